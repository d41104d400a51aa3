using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.WeChatPay;

/// <summary>A WeChat Pay answer before it is signed: HTTP status and JSON body (null for 204).</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON body, or null for none.</param>
internal sealed record WeChatPayAnswer(int Status, JsonObject? Body)
{
    public static WeChatPayAnswer Error(int status, string code, string message) => new(status, new JsonObject { ["code"] = code, ["message"] = message });
}

/// <summary>
/// The simulated WeChat Pay API v3: merchants, Native orders, refunds and the ledger. Every method is thread-safe.
/// </summary>
public sealed partial class WeChatPaySimulator : IDisposable
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WeChatPayMerchant> _merchants = new(StringComparer.Ordinal);
    private readonly Dictionary<(string MchId, string OutTradeNo), WeChatPayOrder> _orders = new();
    private readonly Dictionary<(string MchId, string OutRefundNo), WeChatPayRefund> _refunds = new();
    private readonly List<WeChatPayLedgerEntry> _ledger = [];
    private readonly TimeProvider _clock;
    private long _sequence;

    public WeChatPaySimulator(TimeProvider clock)
    {
        _clock = clock;
        PlatformKey = RSA.Create(2048);
        PlatformSerialNo = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        Notifier = WeChatPayNotifier.Create(this, clock);
    }

    internal RSA PlatformKey { get; }
    internal TimeProvider Clock => _clock;
    public string PlatformSerialNo { get; }
    public NotificationOutbox Notifier { get; }

    /// <summary>Issues a sandbox merchant with fresh keys and an APIv3 key.</summary>
    public WeChatPaySandboxMerchant IssueSandboxMerchant()
    {
        using var merchantKey = RSA.Create(2048);
        var mchId = "19" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var appId = "wx" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var serial = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var apiV3Key = new string(Enumerable.Range(0, 32).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
        var publicKey = RSA.Create();
        publicKey.ImportFromPem(merchantKey.ExportSubjectPublicKeyInfoPem());
        lock (_gate)
        {
            _merchants[mchId] = new WeChatPayMerchant(mchId, appId, serial, publicKey, apiV3Key);
        }
        return new WeChatPaySandboxMerchant(mchId, appId, serial, merchantKey.ExportPkcs8PrivateKeyPem(), apiV3Key, PlatformSerialNo, PlatformKey.ExportSubjectPublicKeyInfoPem());
    }

    internal WeChatPayMerchant? Merchant(string mchId)
    {
        lock (_gate)
        {
            return _merchants.GetValueOrDefault(mchId);
        }
    }

    public IReadOnlyList<WeChatPayLedgerEntry> Ledger
    {
        get
        {
            lock (_gate)
            {
                return _ledger.ToArray();
            }
        }
    }

    public IReadOnlyList<WeChatPayOrder> Orders
    {
        get
        {
            lock (_gate)
            {
                return _orders.Values.ToArray();
            }
        }
    }

    internal WeChatPayAnswer CreateNative(WeChatPayMerchant merchant, JsonElement body)
    {
        var appId = Str(body, "appid");
        var mchId = Str(body, "mchid");
        var description = Str(body, "description");
        var outTradeNo = Str(body, "out_trade_no");
        var notifyUrl = Str(body, "notify_url");
        if (appId is null || mchId is null || description is null || outTradeNo is null || notifyUrl is null
            || !body.TryGetProperty("amount", out var amount) || !amount.TryGetProperty("total", out var totalElement))
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "缺少必填参数");
        }
        if (mchId != merchant.MchId || appId != merchant.AppId)
        {
            return WeChatPayAnswer.Error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
        }
        if (description.Length is 0 or > 127)
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "description长度必须在1到127个字符之间");
        }
        if (!OutTradeNoPattern().IsMatch(outTradeNo))
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "out_trade_no必须为6-32位数字、大小写字母或_-|*");
        }
        if (totalElement.ValueKind != JsonValueKind.Number || !totalElement.TryGetInt64(out var total) || total < 1)
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "amount.total必须为正整数（单位：分）");
        }
        if (amount.TryGetProperty("currency", out var currency) && currency.GetString() != "CNY")
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "仅支持人民币CNY");
        }
        if (!Uri.TryCreate(notifyUrl, UriKind.Absolute, out var notify) || !(notify.Scheme == "https" || (notify.Scheme == "http" && notify.IsLoopback)))
        {
            // The real network insists on https; loopback http is allowed here for sandboxes and tests.
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "notify_url必须为https地址");
        }
        var now = _clock.GetUtcNow();
        var expireAt = now.AddHours(2);
        if (Str(body, "time_expire") is { } expireText)
        {
            if (!DateTimeOffset.TryParseExact(expireText, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out expireAt))
            {
                return WeChatPayAnswer.Error(400, "PARAM_ERROR", "time_expire格式错误");
            }
        }
        lock (_gate)
        {
            if (_orders.TryGetValue((mchId, outTradeNo), out var existing))
            {
                ExpireIfDue(existing);
                if (existing.TotalFen != total || existing.Description != description)
                {
                    return WeChatPayAnswer.Error(403, "OUT_TRADE_NO_USED", "商户订单号重复");
                }
                return existing.TradeState switch
                {
                    "NOTPAY" => new WeChatPayAnswer(200, new JsonObject { ["code_url"] = existing.CodeUrl }),
                    "CLOSED" => WeChatPayAnswer.Error(400, "ORDER_CLOSED", "订单已关闭"),
                    _ => WeChatPayAnswer.Error(403, "TRADE_ERROR", "订单已支付"),
                };
            }
            var order = new WeChatPayOrder
            {
                MchId = mchId,
                AppId = appId,
                OutTradeNo = outTradeNo,
                Description = description,
                TotalFen = total,
                CodeUrl = "weixin://wxpay/bizpayurl?pr=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant(),
                NotifyUrl = notifyUrl,
                ExpireAt = expireAt,
            };
            _orders[(mchId, outTradeNo)] = order;
            return new WeChatPayAnswer(200, new JsonObject { ["code_url"] = order.CodeUrl });
        }
    }

    internal WeChatPayAnswer Query(WeChatPayMerchant merchant, string outTradeNo, string? mchIdParameter)
    {
        if (mchIdParameter != merchant.MchId)
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "mchid参数错误");
        }
        lock (_gate)
        {
            if (!_orders.TryGetValue((merchant.MchId, outTradeNo), out var order))
            {
                return WeChatPayAnswer.Error(404, "ORDER_NOT_EXIST", "订单不存在");
            }
            ExpireIfDue(order);
            return new WeChatPayAnswer(200, Transaction(order));
        }
    }

    internal WeChatPayAnswer Close(WeChatPayMerchant merchant, string outTradeNo)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue((merchant.MchId, outTradeNo), out var order))
            {
                return WeChatPayAnswer.Error(404, "ORDER_NOT_EXIST", "订单不存在");
            }
            ExpireIfDue(order);
            if (order.TradeState is "SUCCESS" or "REFUND")
            {
                return WeChatPayAnswer.Error(403, "TRADE_ERROR", "订单已支付，不能关闭");
            }
            order.TradeState = "CLOSED";
            return new WeChatPayAnswer(204, null);
        }
    }

    internal WeChatPayAnswer Refund(WeChatPayMerchant merchant, JsonElement body)
    {
        var outTradeNo = Str(body, "out_trade_no");
        var outRefundNo = Str(body, "out_refund_no");
        if (outTradeNo is null || outRefundNo is null || !body.TryGetProperty("amount", out var amount)
            || !amount.TryGetProperty("refund", out var r) || !r.TryGetInt64(out var refund)
            || !amount.TryGetProperty("total", out var t) || !t.TryGetInt64(out var total) || refund < 1)
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "缺少必填参数");
        }
        lock (_gate)
        {
            if (_refunds.TryGetValue((merchant.MchId, outRefundNo), out var earlier))
            {
                return earlier.RefundFen == refund && earlier.OutTradeNo == outTradeNo
                    ? new WeChatPayAnswer(200, RefundJson(earlier))
                    : WeChatPayAnswer.Error(400, "PARAM_ERROR", "同一退款单号的请求参数不一致");
            }
            if (!_orders.TryGetValue((merchant.MchId, outTradeNo), out var order))
            {
                return WeChatPayAnswer.Error(404, "RESOURCE_NOT_EXISTS", "订单不存在");
            }
            if (order.TradeState is not ("SUCCESS" or "REFUND"))
            {
                return WeChatPayAnswer.Error(403, "TRADE_ERROR", "订单未支付");
            }
            if (total != order.TotalFen)
            {
                return WeChatPayAnswer.Error(400, "PARAM_ERROR", "订单金额与原订单不一致");
            }
            if (order.RefundedFen + refund > order.TotalFen)
            {
                return WeChatPayAnswer.Error(403, "NOT_ENOUGH", "可退金额不足");
            }
            var now = _clock.GetUtcNow();
            var record = new WeChatPayRefund(outRefundNo, "50" + (++_sequence).ToString("D26", CultureInfo.InvariantCulture), outTradeNo, order.TransactionId!, refund, order.TotalFen, now,
                merchant.MchId, "PROCESSING", Str(body, "notify_url") ?? order.NotifyUrl);
            _refunds[(merchant.MchId, outRefundNo)] = record;
            order.RefundedFen += refund;
            order.TradeState = "REFUND";
            if (RefundsPending)
            {
                return new WeChatPayAnswer(200, RefundJson(record));
            }
            return new WeChatPayAnswer(200, RefundJson(SettleLocked(record, "SUCCESS")));
        }
    }

    /// <summary>When set, refunds answer <c>PROCESSING</c> and wait for <see cref="SettleRefund"/> (as real refunds to a bank card do).</summary>
    public bool RefundsPending { get; set; }

    /// <summary>
    /// Settles a refund left <c>PROCESSING</c>: <c>SUCCESS</c> moves the money, <c>CLOSED</c> or <c>ABNORMAL</c> gives it back
    /// to the order. Either way WeChat Pay notifies (<c>REFUND.SUCCESS</c>, <c>REFUND.CLOSED</c>, <c>REFUND.ABNORMAL</c>) on its
    /// retry schedule. False when no such refund is processing.
    /// </summary>
    public bool SettleRefund(string outRefundNo, string status = "SUCCESS")
    {
        lock (_gate)
        {
            var found = _refunds.Values.FirstOrDefault(r => r.OutRefundNo == outRefundNo && r.Status == "PROCESSING");
            if (found is null)
            {
                return false;
            }
            SettleLocked(found, status);
            return true;
        }
    }

    private WeChatPayRefund SettleLocked(WeChatPayRefund refund, string status)
    {
        var now = _clock.GetUtcNow();
        var settled = refund with { Status = status, SuccessTime = status == "SUCCESS" ? now : null };
        _refunds[(refund.MchId, refund.OutRefundNo)] = settled;
        if (status == "SUCCESS")
        {
            _ledger.Add(new WeChatPayLedgerEntry(refund.OutTradeNo, refund.TransactionId, "refund", refund.RefundFen, now, refund.OutRefundNo, refund.RefundId));
        }
        else if (_orders.TryGetValue((refund.MchId, refund.OutTradeNo), out var order))
        {
            order.RefundedFen -= refund.RefundFen;
        }
        Notifier.Enqueue(WeChatPayNotifier.For(settled));
        return settled;
    }

    /// <summary>The decrypted resource of a refund notification.</summary>
    internal static JsonObject RefundResource(WeChatPayRefund refund)
    {
        var json = new JsonObject
        {
            ["mchid"] = refund.MchId,
            ["out_trade_no"] = refund.OutTradeNo,
            ["transaction_id"] = refund.TransactionId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["refund_id"] = refund.RefundId,
            ["refund_status"] = refund.Status,
            ["user_received_account"] = "招商银行信用卡0403",
            ["amount"] = new JsonObject { ["total"] = refund.TotalFen, ["refund"] = refund.RefundFen, ["payer_total"] = refund.TotalFen, ["payer_refund"] = refund.RefundFen },
        };
        if (refund.SuccessTime is { } time)
        {
            json["success_time"] = time.ToOffset(BeijingOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }
        return json;
    }

    internal WeChatPayAnswer QueryRefund(WeChatPayMerchant merchant, string outRefundNo)
    {
        lock (_gate)
        {
            return _refunds.TryGetValue((merchant.MchId, outRefundNo), out var refund)
                ? new WeChatPayAnswer(200, RefundJson(refund))
                : WeChatPayAnswer.Error(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
        }
    }

    /// <summary>The buyer scans <paramref name="codeUrl"/> and pays. Null on success, else why not.</summary>
    public string? BuyerPays(string codeUrl)
    {
        WeChatPayOrder? order;
        lock (_gate)
        {
            order = _orders.Values.FirstOrDefault(o => o.CodeUrl == codeUrl);
            if (order is null)
            {
                return "no order has this code_url";
            }
            ExpireIfDue(order);
            if (order.TradeState != "NOTPAY")
            {
                return $"the order is {order.TradeState}";
            }
            var now = _clock.GetUtcNow();
            order.TradeState = "SUCCESS";
            order.PaidAt = now;
            order.TransactionId = "42" + (++_sequence).ToString("D26", CultureInfo.InvariantCulture);
            _ledger.Add(new WeChatPayLedgerEntry(order.OutTradeNo, order.TransactionId, "charge", order.TotalFen, now));
        }
        Notifier.Enqueue(WeChatPayNotifier.For(order, null));
        return null;
    }

    /// <summary>The buyer's payment fails (e.g. the bank card is refused): the order becomes PAYERROR and the merchant is told.</summary>
    public string? BuyerPaymentFails(string codeUrl)
    {
        WeChatPayOrder? order;
        lock (_gate)
        {
            order = _orders.Values.FirstOrDefault(o => o.CodeUrl == codeUrl);
            if (order is null || order.TradeState != "NOTPAY")
            {
                return order is null ? "no order has this code_url" : $"the order is {order.TradeState}";
            }
            order.TradeState = "PAYERROR";
        }
        Notifier.Enqueue(WeChatPayNotifier.For(order, null));
        return null;
    }

    /// <summary>Sends the order's notification again, optionally claiming another trade state (duplicate and out-of-order drills).</summary>
    public bool Renotify(string outTradeNo, string? tradeState = null)
    {
        WeChatPayOrder? order;
        lock (_gate)
        {
            order = _orders.Values.FirstOrDefault(o => o.OutTradeNo == outTradeNo);
        }
        if (order is null)
        {
            return false;
        }
        Notifier.Enqueue(WeChatPayNotifier.For(order, tradeState));
        return true;
    }

    internal JsonObject Transaction(WeChatPayOrder order, string? tradeState = null)
    {
        var state = tradeState ?? order.TradeState;
        var json = new JsonObject
        {
            ["appid"] = order.AppId,
            ["mchid"] = order.MchId,
            ["out_trade_no"] = order.OutTradeNo,
            ["trade_type"] = "NATIVE",
            ["trade_state"] = state,
            ["trade_state_desc"] = state switch { "SUCCESS" => "支付成功", "NOTPAY" => "未支付", "CLOSED" => "已关闭", "REFUND" => "转入退款", _ => state },
            ["amount"] = new JsonObject { ["total"] = order.TotalFen, ["payer_total"] = order.TotalFen, ["currency"] = "CNY", ["payer_currency"] = "CNY" },
        };
        if (order.TransactionId is not null)
        {
            json["transaction_id"] = order.TransactionId;
            json["success_time"] = order.PaidAt!.Value.ToOffset(BeijingOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }
        return json;
    }

    private static JsonObject RefundJson(WeChatPayRefund refund) => new()
    {
        ["refund_id"] = refund.RefundId,
        ["out_refund_no"] = refund.OutRefundNo,
        ["transaction_id"] = refund.TransactionId,
        ["out_trade_no"] = refund.OutTradeNo,
        ["channel"] = "ORIGINAL",
        ["status"] = refund.Status,
        ["create_time"] = refund.CreateTime.ToOffset(BeijingOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["amount"] = new JsonObject { ["refund"] = refund.RefundFen, ["total"] = refund.TotalFen, ["currency"] = "CNY" },
    };

    private void ExpireIfDue(WeChatPayOrder order)
    {
        if (order.TradeState == "NOTPAY" && _clock.GetUtcNow() >= order.ExpireAt)
        {
            order.TradeState = "CLOSED";
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex("^[0-9A-Za-z_\\-|*]{6,32}$")]
    private static partial Regex OutTradeNoPattern();

    public void Dispose()
    {
        Notifier.Dispose();
        PlatformKey.Dispose();
        lock (_gate)
        {
            foreach (var merchant in _merchants.Values)
            {
                merchant.PublicKey.Dispose();
            }
        }
    }
}
