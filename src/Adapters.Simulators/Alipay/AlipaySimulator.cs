using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.Alipay;

/// <summary>
/// The simulated Alipay OpenAPI: its merchants (apps and their public keys), its orders and its ledger.
/// Everything the wire endpoint does goes through here; every method is thread-safe.
/// </summary>
public sealed partial class AlipaySimulator : IDisposable
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RSA> _appKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string App, string OutTradeNo), AlipayOrder> _orders = new();
    private readonly List<AlipayLedgerEntry> _ledger = [];
    private readonly TimeProvider _clock;
    private long _sequence;

    public AlipaySimulator(TimeProvider clock)
    {
        _clock = clock;
        PlatformKey = RSA.Create(2048);
        Notifier = AlipayNotifier.Create(PlatformKey, clock);
    }

    /// <summary>Alipay's own key pair: it signs responses and notifications.</summary>
    internal RSA PlatformKey { get; }

    public NotificationOutbox Notifier { get; }

    public string PlatformPublicKeyPem => PlatformKey.ExportSubjectPublicKeyInfoPem();

    /// <summary>Registers a merchant app with the public key it uploaded.</summary>
    public void RegisterApp(string appId, string merchantPublicKeyPem)
    {
        var key = RSA.Create();
        key.ImportFromPem(merchantPublicKeyPem);
        lock (_gate)
        {
            _appKeys[appId] = key;
        }
    }

    /// <summary>Issues a sandbox app with a freshly generated merchant key pair, as Alipay's sandbox does.</summary>
    public AlipaySandboxApp IssueSandboxApp()
    {
        using var merchant = RSA.Create(2048);
        var appId = "2021" + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture) + "00";
        RegisterApp(appId, merchant.ExportSubjectPublicKeyInfoPem());
        return new AlipaySandboxApp(appId, merchant.ExportPkcs8PrivateKeyPem(), PlatformPublicKeyPem);
    }

    internal RSA? AppKey(string appId)
    {
        lock (_gate)
        {
            return _appKeys.GetValueOrDefault(appId);
        }
    }

    /// <summary>A copy of everything the simulated network really moved.</summary>
    public IReadOnlyList<AlipayLedgerEntry> Ledger
    {
        get
        {
            lock (_gate)
            {
                return _ledger.ToArray();
            }
        }
    }

    public IReadOnlyList<AlipayOrder> Orders
    {
        get
        {
            lock (_gate)
            {
                return _orders.Values.ToArray();
            }
        }
    }

    internal bool TimestampAcceptable(string timestamp)
    {
        if (!DateTime.TryParseExact(timestamp, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        var sent = new DateTimeOffset(local, BeijingOffset);
        return (sent - _clock.GetUtcNow()).Duration() <= TimeSpan.FromMinutes(30);
    }

    /// <summary>Runs one verified API method and returns the response node's fields.</summary>
    internal Dictionary<string, object?> Execute(string appId, string method, JsonElement biz, string? notifyUrl) => method switch
    {
        "alipay.trade.precreate" => Precreate(appId, biz, notifyUrl),
        "alipay.trade.query" => Query(appId, biz),
        "alipay.trade.close" => Close(appId, biz),
        "alipay.trade.refund" => Refund(appId, biz),
        "alipay.trade.fastpay.refund.query" => RefundQuery(appId, biz),
        _ => Error("40004", "ACQ.INVALID_PARAMETER", "unsupported method"),
    };

    private Dictionary<string, object?> Precreate(string appId, JsonElement biz, string? notifyUrl)
    {
        var outTradeNo = Str(biz, "out_trade_no");
        var subject = Str(biz, "subject");
        if (string.IsNullOrEmpty(outTradeNo))
        {
            return Error("40001", "isv.missing-out-trade-no", "缺少out_trade_no参数");
        }
        if (string.IsNullOrEmpty(subject))
        {
            return Error("40001", "isv.missing-subject", "缺少subject参数");
        }
        if (outTradeNo.Length > 64 || subject.Length > 256)
        {
            return Error("40004", "ACQ.INVALID_PARAMETER", "参数无效");
        }
        if (!AlipayMoney.TryParseFen(Str(biz, "total_amount"), out var fen) || fen < 1 || fen > 10_000_000_000)
        {
            return Error("40004", "ACQ.INVALID_PARAMETER", "total_amount无效");
        }
        var expireIn = ParseTimeoutExpress(Str(biz, "timeout_express")) ?? TimeSpan.FromDays(1);
        lock (_gate)
        {
            if (_orders.TryGetValue((appId, outTradeNo), out var existing))
            {
                if (existing.TotalFen != fen || existing.Subject != subject)
                {
                    return Error("40004", "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
                }
                return existing.TradeStatus switch
                {
                    "TRADE_SUCCESS" or "TRADE_FINISHED" => Error("40004", "ACQ.TRADE_HAS_SUCCESS", "交易已被支付"),
                    "TRADE_CLOSED" => Error("40004", "ACQ.TRADE_HAS_CLOSE", "交易已经关闭"),
                    _ => Ok(new() { ["out_trade_no"] = outTradeNo, ["qr_code"] = existing.QrCode }),
                };
            }
            var now = _clock.GetUtcNow();
            var order = new AlipayOrder
            {
                AppId = appId,
                OutTradeNo = outTradeNo,
                TradeNo = now.ToOffset(BeijingOffset).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "2200" + (++_sequence).ToString("D14", CultureInfo.InvariantCulture),
                TotalFen = fen,
                Subject = subject,
                QrCode = "https://qr.alipay.com/" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant(),
                ExpireAt = now + expireIn,
                NotifyUrl = notifyUrl,
            };
            _orders[(appId, outTradeNo)] = order;
            return Ok(new() { ["out_trade_no"] = outTradeNo, ["qr_code"] = order.QrCode });
        }
    }

    private Dictionary<string, object?> Query(string appId, JsonElement biz)
    {
        lock (_gate)
        {
            var order = Find(appId, biz);
            if (order is null)
            {
                return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
            }
            ExpireIfDue(order);
            return Ok(new()
            {
                ["trade_no"] = order.TradeNo,
                ["out_trade_no"] = order.OutTradeNo,
                ["trade_status"] = order.TradeStatus,
                ["total_amount"] = AlipayMoney.ToYuan(order.TotalFen),
                ["send_pay_date"] = order.PaidAt?.ToOffset(BeijingOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            });
        }
    }

    private Dictionary<string, object?> Close(string appId, JsonElement biz)
    {
        lock (_gate)
        {
            var order = Find(appId, biz);
            if (order is null)
            {
                return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
            }
            ExpireIfDue(order);
            if (order.TradeStatus is "TRADE_SUCCESS" or "TRADE_FINISHED")
            {
                return Error("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            }
            order.TradeStatus = "TRADE_CLOSED";
            return Ok(new() { ["trade_no"] = order.TradeNo, ["out_trade_no"] = order.OutTradeNo });
        }
    }

    private Dictionary<string, object?> Refund(string appId, JsonElement biz)
    {
        var requestNo = Str(biz, "out_request_no") ?? Str(biz, "out_trade_no");
        if (!AlipayMoney.TryParseFen(Str(biz, "refund_amount"), out var fen) || fen < 1)
        {
            return Error("40004", "ACQ.INVALID_PARAMETER", "refund_amount无效");
        }
        lock (_gate)
        {
            var order = Find(appId, biz);
            if (order is null)
            {
                return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
            }
            if (order.Refunds.TryGetValue(requestNo!, out var earlier))
            {
                if (earlier != fen)
                {
                    return Error("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额与原请求不一致");
                }
                return RefundOk(order, "N");
            }
            if (order.TradeStatus != "TRADE_SUCCESS")
            {
                return Error("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
            }
            if (order.RefundedFen + fen > order.TotalFen)
            {
                return Error("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
            }
            order.Refunds[requestNo!] = fen;
            order.RefundedFen += fen;
            _ledger.Add(new AlipayLedgerEntry(order.OutTradeNo, order.TradeNo, "refund", fen, _clock.GetUtcNow(), requestNo));
            if (order.RefundedFen == order.TotalFen)
            {
                order.TradeStatus = "TRADE_CLOSED";
            }
            return RefundOk(order, "Y");
        }
    }

    private Dictionary<string, object?> RefundQuery(string appId, JsonElement biz)
    {
        var requestNo = Str(biz, "out_request_no");
        if (string.IsNullOrEmpty(requestNo))
        {
            return Error("40001", "isv.missing-out-request-no", "缺少out_request_no参数");
        }
        lock (_gate)
        {
            var order = Find(appId, biz);
            if (order is null)
            {
                return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
            }
            // Like Alipay: the refund's data when it exists, a bare success when it does not.
            return order.Refunds.TryGetValue(requestNo, out var fen)
                ? Ok(new()
                {
                    ["trade_no"] = order.TradeNo,
                    ["out_trade_no"] = order.OutTradeNo,
                    ["out_request_no"] = requestNo,
                    ["total_amount"] = AlipayMoney.ToYuan(order.TotalFen),
                    ["refund_amount"] = AlipayMoney.ToYuan(fen),
                    ["refund_status"] = "REFUND_SUCCESS",
                })
                : Ok(new() { ["trade_no"] = order.TradeNo, ["out_trade_no"] = order.OutTradeNo });
        }
    }

    private static Dictionary<string, object?> RefundOk(AlipayOrder order, string fundChange) => Ok(new()
    {
        ["trade_no"] = order.TradeNo,
        ["out_trade_no"] = order.OutTradeNo,
        ["fund_change"] = fundChange,
        ["refund_fee"] = AlipayMoney.ToYuan(order.RefundedFen),
    });

    /// <summary>
    /// The buyer scans <paramref name="qrCode"/> and pays. Returns null on success, else why it failed.
    /// On success the charge is in the ledger and the notification is queued.
    /// </summary>
    public string? BuyerPays(string qrCode)
    {
        AlipayOrder? order;
        lock (_gate)
        {
            order = _orders.Values.FirstOrDefault(o => o.QrCode == qrCode);
            if (order is null)
            {
                return "no order has this QR code";
            }
            ExpireIfDue(order);
            if (order.TradeStatus != "WAIT_BUYER_PAY")
            {
                return $"the order is {order.TradeStatus}";
            }
            var now = _clock.GetUtcNow();
            order.TradeStatus = "TRADE_SUCCESS";
            order.PaidAt = now;
            _ledger.Add(new AlipayLedgerEntry(order.OutTradeNo, order.TradeNo, "charge", order.TotalFen, now));
        }
        if (!string.IsNullOrEmpty(order.NotifyUrl))
        {
            Notifier.Enqueue(AlipayNotifier.For(order, null));
        }
        return null;
    }

    /// <summary>
    /// Sends the order's notification again, as the network does on its own schedule, optionally claiming another
    /// trade status: for drills and tests of duplicate and out-of-order delivery. False when there is no such order.
    /// </summary>
    public bool Renotify(string outTradeNo, string? tradeStatus = null)
    {
        AlipayOrder? order;
        lock (_gate)
        {
            order = _orders.Values.FirstOrDefault(o => o.OutTradeNo == outTradeNo);
        }
        if (order?.NotifyUrl is null)
        {
            return false;
        }
        Notifier.Enqueue(AlipayNotifier.For(order, tradeStatus));
        return true;
    }

    private void ExpireIfDue(AlipayOrder order)
    {
        if (order.TradeStatus == "WAIT_BUYER_PAY" && _clock.GetUtcNow() >= order.ExpireAt)
        {
            order.TradeStatus = "TRADE_CLOSED";
        }
    }

    private AlipayOrder? Find(string appId, JsonElement biz)
    {
        var outTradeNo = Str(biz, "out_trade_no");
        if (!string.IsNullOrEmpty(outTradeNo))
        {
            return _orders.GetValueOrDefault((appId, outTradeNo));
        }
        var tradeNo = Str(biz, "trade_no");
        return _orders.Values.FirstOrDefault(o => o.AppId == appId && o.TradeNo == tradeNo);
    }

    private static TimeSpan? ParseTimeoutExpress(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < 2 || !int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }
        return value[^1] switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private static string? Str(JsonElement biz, string name) =>
        biz.ValueKind == JsonValueKind.Object && biz.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static Dictionary<string, object?> Ok(Dictionary<string, object?> fields)
    {
        var node = new Dictionary<string, object?> { ["code"] = "10000", ["msg"] = "Success" };
        foreach (var (k, v) in fields)
        {
            if (v is not null)
            {
                node[k] = v;
            }
        }
        return node;
    }

    internal static Dictionary<string, object?> Error(string code, string subCode, string subMessage) => new()
    {
        ["code"] = code,
        ["msg"] = code switch
        {
            "20000" => "Service Currently Unavailable",
            "40001" => "Missing Required Arguments",
            "40002" => "Invalid Arguments",
            "40004" => "Business Failed",
            "40005" => "Call Limited",
            "40006" => "Insufficient Permissions",
            _ => "Error",
        },
        ["sub_code"] = subCode,
        ["sub_msg"] = subMessage,
    };

    public void Dispose()
    {
        Notifier.Dispose();
        PlatformKey.Dispose();
        lock (_gate)
        {
            foreach (var key in _appKeys.Values)
            {
                key.Dispose();
            }
        }
    }
}

/// <summary>A sandbox merchant app: what a merchant needs to point an Alipay adapter at this simulator.</summary>
/// <param name="AppId">The app id.</param>
/// <param name="MerchantPrivateKeyPem">The merchant's private key (PKCS#8 PEM). A secret.</param>
/// <param name="AlipayPublicKeyPem">The simulated Alipay's public key.</param>
public sealed record AlipaySandboxApp(string AppId, string MerchantPrivateKeyPem, string AlipayPublicKeyPem);
