using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.UnionPay;

/// <summary>A sandbox merchant of the simulated UnionPay: what the gateway needs. Holds a private key.</summary>
/// <param name="MerId">The merchant id.</param>
/// <param name="SigningCertificatePem">The merchant's signing certificate.</param>
/// <param name="PrivateKeyPem">Its private key.</param>
/// <param name="RootCertificatePem">The root of UnionPay's test PKI.</param>
/// <param name="MiddleCertificatePem">The intermediate certificate, issued by the root, that issued UnionPay's signing certificate.</param>
public sealed record UnionPaySandboxMerchant(string MerId, string SigningCertificatePem, string PrivateKeyPem, string RootCertificatePem, string MiddleCertificatePem);

/// <summary>One consume as the simulated UnionPay keeps it.</summary>
public sealed class UnionPayOrder
{
    public required string MerId { get; init; }
    public required string OrderId { get; init; }
    public required string TxnTime { get; init; }
    public required long TxnAmt { get; init; }
    public required string BackUrl { get; init; }
    public required DateTimeOffset PayTimeout { get; init; }
    /// <summary>The respCode the transaction ended with, or null while the payer has not paid.</summary>
    public string? OrigRespCode { get; set; }
    public string QueryId { get; init; } = "";
    public long Refunded { get; set; }
}

/// <summary>What the simulated UnionPay really moved.</summary>
/// <param name="OrderId">The merchant's order id (the refund's own order id for refunds).</param>
/// <param name="Kind"><c>charge</c> or <c>refund</c>.</param>
/// <param name="Amount">Fen.</param>
/// <param name="Time">When.</param>
/// <param name="QueryId">UnionPay's id of the transaction.</param>
/// <param name="OrigOrderId">A refund's original consume.</param>
public sealed record UnionPayLedgerEntry(string OrderId, string Kind, long Amount, DateTimeOffset Time, string? QueryId = null, string? OrigOrderId = null);

/// <summary>A refund (txnType 04) as the simulated UnionPay keeps it; <see cref="RespCode"/> is <c>05</c> while it waits.</summary>
internal sealed class UnionPayRefund(string merId, string orderId, string txnTime, string origQryId, long amount, string queryId, string? backUrl)
{
    public string MerId { get; } = merId;
    public string OrderId { get; } = orderId;
    public string TxnTime { get; } = txnTime;
    public string OrigQryId { get; } = origQryId;
    public long Amount { get; } = amount;
    public string QueryId { get; } = queryId;
    public string? BackUrl { get; } = backUrl;
    public string RespCode { get; set; } = "05";
}

/// <summary>
/// The simulated UnionPay ACP 5.1.0 gateway: front consume forms, back refunds, queries, signed answers with the
/// signing certificate attached, signed notifications to backUrl, a ledger. Thread-safe.
/// </summary>
public sealed partial class UnionPaySimulator : IDisposable
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private static readonly IReadOnlyList<TimeSpan> NotifySchedule =
        [TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(16)];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string CertId, RSA Key)> _merchants = new(StringComparer.Ordinal);
    private readonly Dictionary<(string MerId, string OrderId, string TxnTime), UnionPayOrder> _orders = new();
    private readonly Dictionary<(string MerId, string OrderId, string TxnTime), UnionPayRefund> _refunds = new();
    private readonly List<UnionPayLedgerEntry> _ledger = [];
    private readonly TimeProvider _clock;
    private readonly UnionPayCertificateAuthority _ca;
    private long _sequence;

    public UnionPaySimulator(TimeProvider clock)
    {
        _clock = clock;
        _ca = new UnionPayCertificateAuthority(clock.GetUtcNow());
        Notifier = new NotificationOutbox(NotifySchedule, BuildNotification, (status, _) => status == 200, clock);
    }

    public NotificationOutbox Notifier { get; }

    /// <summary>The root of the simulator's test PKI.</summary>
    public string RootCertificatePem => _ca.Root.ExportCertificatePem();

    /// <summary>The intermediate certificate of the simulator's test PKI: the issuer of UnionPay's signing certificate.</summary>
    public string MiddleCertificatePem => _ca.Middle.ExportCertificatePem();

    public UnionPaySandboxMerchant IssueSandboxMerchant()
    {
        var merId = "777290058" + RandomNumberGenerator.GetInt32(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var key = RSA.Create(2048);
        using var certificate = _ca.Issue($"CN=Merchant {merId}, O=Paygate Sandbox", key, _clock.GetUtcNow());
        lock (_gate)
        {
            _merchants[merId] = (UnionPayCertificateAuthority.CertId(certificate), key);
        }
        return new UnionPaySandboxMerchant(merId, certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), RootCertificatePem, MiddleCertificatePem);
    }

    public IReadOnlyList<UnionPayLedgerEntry> Ledger
    {
        get
        {
            lock (_gate)
            {
                return _ledger.ToArray();
            }
        }
    }

    public IReadOnlyList<UnionPayOrder> Orders
    {
        get
        {
            lock (_gate)
            {
                return _orders.Values.ToArray();
            }
        }
    }

    /// <summary>
    /// Checks what every request must satisfy: fields, merchant, certId, signature. Null when it passes, else the
    /// respCode and message to answer with.
    /// </summary>
    internal (string Code, string Message)? Check(IReadOnlyDictionary<string, string> fields, params string[] required)
    {
        foreach (var name in new[] { "version", "encoding", "signMethod", "txnType", "txnSubType", "bizType", "accessType", "merId", "orderId", "txnTime", "certId", "signature" }.Concat(required))
        {
            if (string.IsNullOrEmpty(fields.GetValueOrDefault(name)))
            {
                return ("13", $"缺少必填字段[{name}]");
            }
        }
        if (fields["version"] != "5.1.0" || fields["encoding"] != "UTF-8" || fields["signMethod"] != "01")
        {
            return ("10", "报文格式错误[version/encoding/signMethod]");
        }
        if (!OrderIdPattern().IsMatch(fields["orderId"]))
        {
            return ("10", "报文格式错误[orderId]: 8-40位字母或数字");
        }
        if (!DateTime.TryParseExact(fields["txnTime"], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return ("10", "报文格式错误[txnTime]");
        }
        (string CertId, RSA Key) merchant;
        lock (_gate)
        {
            if (!_merchants.TryGetValue(fields["merId"], out merchant))
            {
                return ("31", "商户状态不正确");
            }
        }
        if (merchant.CertId != fields["certId"] || !UnionPaySimSignature.Verify(fields, merchant.Key))
        {
            return ("11", "验证签名失败");
        }
        return null;
    }

    internal (string Code, string Message) Front(IReadOnlyDictionary<string, string> fields)
    {
        if (Check(fields, "txnAmt", "currencyCode", "backUrl", "frontUrl", "channelType") is { } refusal)
        {
            return refusal;
        }
        if (fields["txnType"] != "01" || fields["currencyCode"] != "156" || !long.TryParse(fields["txnAmt"], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            return ("10", "报文格式错误[txnType/txnAmt/currencyCode]");
        }
        if (!IsCurrent(fields["txnTime"]))
        {
            return ("10", "报文格式错误[txnTime]: 须为当前时间");
        }
        var payTimeout = fields.TryGetValue("payTimeout", out var t) && DateTime.TryParseExact(t, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, BeijingOffset)
            : _clock.GetUtcNow().AddHours(1);
        var key = (fields["merId"], fields["orderId"], fields["txnTime"]);
        lock (_gate)
        {
            if (_orders.TryGetValue(key, out var existing))
            {
                return existing.TxnAmt == amount && existing.BackUrl == fields["backUrl"] ? ("00", "成功[0000000]") : ("12", "重复交易");
            }
            _orders[key] = new UnionPayOrder
            {
                MerId = fields["merId"],
                OrderId = fields["orderId"],
                TxnTime = fields["txnTime"],
                TxnAmt = amount,
                BackUrl = fields["backUrl"],
                PayTimeout = payTimeout,
                QueryId = NextQueryId(),
            };
        }
        return ("00", "成功[0000000]");
    }

    internal Dictionary<string, string> Query(IReadOnlyDictionary<string, string> fields)
    {
        var answer = Echo(fields);
        if (Check(fields) is { } refusal)
        {
            return Answer(answer, refusal.Code, refusal.Message);
        }
        var key = (fields["merId"], fields["orderId"], fields["txnTime"]);
        lock (_gate)
        {
            if (_orders.TryGetValue(key, out var order))
            {
                answer["txnAmt"] = order.TxnAmt.ToString(CultureInfo.InvariantCulture);
                answer["queryId"] = order.QueryId;
                var orig = order.OrigRespCode ?? (_clock.GetUtcNow() >= order.PayTimeout ? "01" : "05");
                answer["origRespCode"] = orig;
                answer["origRespMsg"] = orig switch { "00" => "成功[0000000]", "05" => "交易已受理，请稍后查询交易结果", "01" => "交易失败", _ => "交易失败" };
                return Answer(answer, "00", "成功[0000000]");
            }
            if (_refunds.TryGetValue(key, out var refund))
            {
                answer["txnAmt"] = refund.Amount.ToString(CultureInfo.InvariantCulture);
                answer["queryId"] = refund.QueryId;
                answer["origQryId"] = refund.OrigQryId;
                answer["origRespCode"] = refund.RespCode;
                answer["origRespMsg"] = RespMsg(refund.RespCode);
                return Answer(answer, "00", "成功[0000000]");
            }
        }
        return Answer(answer, "34", "查无此交易");
    }

    internal Dictionary<string, string> Back(IReadOnlyDictionary<string, string> fields)
    {
        var answer = Echo(fields);
        if (Check(fields, "txnAmt", "origQryId") is { } refusal)
        {
            return Answer(answer, refusal.Code, refusal.Message);
        }
        if (fields["txnType"] != "04")
        {
            return Answer(answer, "10", "报文格式错误[txnType]: 仅支持退货");
        }
        if (!long.TryParse(fields["txnAmt"], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            return Answer(answer, "10", "报文格式错误[txnAmt]");
        }
        var key = (fields["merId"], fields["orderId"], fields["txnTime"]);
        lock (_gate)
        {
            if (_refunds.TryGetValue(key, out var earlier))
            {
                if (earlier.Amount != amount || earlier.OrigQryId != fields["origQryId"])
                {
                    return Answer(answer, "12", "重复交易");
                }
                answer["queryId"] = earlier.QueryId;
                return Answer(answer, "00", "成功[0000000]");
            }
            var original = _orders.Values.FirstOrDefault(o => o.QueryId == fields["origQryId"] && o.MerId == fields["merId"]);
            if (original is null)
            {
                return Answer(answer, "34", "查无此交易");
            }
            if (original.OrigRespCode != "00")
            {
                return Answer(answer, "35", "原交易状态不正确");
            }
            if (original.Refunded + amount > original.TxnAmt)
            {
                return Answer(answer, "36", "退货金额超过原交易可退金额");
            }
            original.Refunded += amount;
            var refund = new UnionPayRefund(fields["merId"], fields["orderId"], fields["txnTime"], original.QueryId, amount, NextQueryId(), fields.GetValueOrDefault("backUrl"));
            _refunds[key] = refund;
            if (!RefundsPending)
            {
                SettleLocked(refund, "00");
            }
            answer["queryId"] = refund.QueryId;
            return Answer(answer, "00", "成功[0000000]");
        }
    }

    /// <summary>When set, refunds are accepted (<c>05</c>) and wait for <see cref="SettleRefund"/> before they move money.</summary>
    public bool RefundsPending { get; set; }

    /// <summary>
    /// Settles an accepted refund with <paramref name="respCode"/> (<c>00</c> refunded, else failed and the amount refundable
    /// again) and notifies the refund's backUrl (txnType 04) on UnionPay's schedule. False when no such refund is waiting.
    /// </summary>
    public bool SettleRefund(string orderId, string respCode = "00")
    {
        lock (_gate)
        {
            var refund = _refunds.Values.FirstOrDefault(r => r.OrderId == orderId && r.RespCode == "05");
            if (refund is null)
            {
                return false;
            }
            SettleLocked(refund, respCode);
            return true;
        }
    }

    private void SettleLocked(UnionPayRefund refund, string respCode)
    {
        refund.RespCode = respCode;
        if (respCode == "00")
        {
            _ledger.Add(new UnionPayLedgerEntry(refund.OrderId, "refund", refund.Amount, _clock.GetUtcNow(), refund.QueryId,
                _orders.Values.FirstOrDefault(o => o.QueryId == refund.OrigQryId)?.OrderId));
        }
        else if (_orders.Values.FirstOrDefault(o => o.QueryId == refund.OrigQryId) is { } original)
        {
            original.Refunded -= refund.Amount;
        }
        if (refund.BackUrl is { Length: > 0 } url)
        {
            Notifier.Enqueue(new OutgoingNotification(refund.OrderId, refund.QueryId + "/" + respCode, url, respCode, refund));
        }
    }

    private static string RespMsg(string code) => code switch { "00" => "成功[0000000]", "05" => "交易已受理，请稍后查询交易结果", _ => "交易失败" };

    /// <summary>The payer pays a posted order on the cashier page (or fails with <paramref name="respCode"/>). Null on success.</summary>
    public string? BuyerPays(string orderId, string respCode = "00")
    {
        UnionPayOrder? order;
        lock (_gate)
        {
            order = _orders.Values.FirstOrDefault(o => o.OrderId == orderId);
            if (order is null)
            {
                return "no posted order has this orderId";
            }
            if (order.OrigRespCode is not null || _clock.GetUtcNow() >= order.PayTimeout)
            {
                return "the order can no longer be paid";
            }
            order.OrigRespCode = respCode;
            if (respCode == "00")
            {
                _ledger.Add(new UnionPayLedgerEntry(order.OrderId, "charge", order.TxnAmt, _clock.GetUtcNow(), order.QueryId));
            }
        }
        Notifier.Enqueue(new OutgoingNotification(order.OrderId, order.QueryId + "/" + respCode, order.BackUrl, respCode, order));
        return null;
    }

    /// <summary>Signs an answer as UnionPay does: its signing certificate attached as <c>signPubKeyCert</c>, then <c>signature</c>.</summary>
    internal Dictionary<string, string> Signed(Dictionary<string, string> fields)
    {
        fields["signPubKeyCert"] = _ca.Signing.ExportCertificatePem();
        fields.Remove("signature");
        fields["signature"] = UnionPaySimSignature.Sign(fields, _ca.SigningKey);
        return fields;
    }

    private HttpRequestMessage BuildNotification(OutgoingNotification item)
    {
        if (item.Order is UnionPayRefund refund)
        {
            var refundFields = Signed(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["version"] = "5.1.0",
                ["encoding"] = "UTF-8",
                ["signMethod"] = "01",
                ["txnType"] = "04",
                ["txnSubType"] = "00",
                ["bizType"] = "000201",
                ["accessType"] = "0",
                ["merId"] = refund.MerId,
                ["orderId"] = refund.OrderId,
                ["txnTime"] = refund.TxnTime,
                ["txnAmt"] = refund.Amount.ToString(CultureInfo.InvariantCulture),
                ["currencyCode"] = "156",
                ["queryId"] = refund.QueryId,
                ["origQryId"] = refund.OrigQryId,
                ["respCode"] = item.Status,
                ["respMsg"] = RespMsg(item.Status),
                ["settleDate"] = _clock.GetUtcNow().ToOffset(BeijingOffset).ToString("MMdd", CultureInfo.InvariantCulture),
                ["traceNo"] = refund.QueryId[^6..],
                ["traceTime"] = _clock.GetUtcNow().ToOffset(BeijingOffset).ToString("MMddHHmmss", CultureInfo.InvariantCulture),
            });
            return new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new FormUrlEncodedContent(refundFields) };
        }
        var order = (UnionPayOrder)item.Order;
        var fields = Signed(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = "5.1.0",
            ["encoding"] = "UTF-8",
            ["signMethod"] = "01",
            ["txnType"] = "01",
            ["txnSubType"] = "01",
            ["bizType"] = "000201",
            ["accessType"] = "0",
            ["merId"] = order.MerId,
            ["orderId"] = order.OrderId,
            ["txnTime"] = order.TxnTime,
            ["txnAmt"] = order.TxnAmt.ToString(CultureInfo.InvariantCulture),
            ["currencyCode"] = "156",
            ["queryId"] = order.QueryId,
            ["respCode"] = item.Status,
            ["respMsg"] = item.Status == "00" ? "成功[0000000]" : "交易失败",
            ["settleAmt"] = order.TxnAmt.ToString(CultureInfo.InvariantCulture),
            ["settleCurrencyCode"] = "156",
            ["settleDate"] = _clock.GetUtcNow().ToOffset(BeijingOffset).ToString("MMdd", CultureInfo.InvariantCulture),
            ["traceNo"] = order.QueryId[^6..],
            ["traceTime"] = _clock.GetUtcNow().ToOffset(BeijingOffset).ToString("MMddHHmmss", CultureInfo.InvariantCulture),
        });
        return new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new FormUrlEncodedContent(fields) };
    }

    private static Dictionary<string, string> Echo(IReadOnlyDictionary<string, string> fields)
    {
        var answer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "version", "encoding", "signMethod", "txnType", "txnSubType", "bizType", "accessType", "merId", "orderId", "txnTime" })
        {
            if (fields.TryGetValue(name, out var value))
            {
                answer[name] = value;
            }
        }
        return answer;
    }

    private Dictionary<string, string> Answer(Dictionary<string, string> answer, string code, string message)
    {
        answer["respCode"] = code;
        answer["respMsg"] = message;
        return Signed(answer);
    }

    private bool IsCurrent(string txnTime)
    {
        var sent = new DateTimeOffset(DateTime.ParseExact(txnTime, "yyyyMMddHHmmss", CultureInfo.InvariantCulture), BeijingOffset);
        return (sent - _clock.GetUtcNow()).Duration() <= TimeSpan.FromHours(1);
    }

    private string NextQueryId() =>
        _clock.GetUtcNow().ToOffset(BeijingOffset).ToString("MMddHHmmss", CultureInfo.InvariantCulture) + Interlocked.Increment(ref _sequence).ToString("D11", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[0-9A-Za-z]{8,40}$")]
    private static partial Regex OrderIdPattern();

    public void Dispose()
    {
        Notifier.Dispose();
        _ca.Dispose();
        lock (_gate)
        {
            foreach (var merchant in _merchants.Values)
            {
                merchant.Key.Dispose();
            }
        }
    }
}
