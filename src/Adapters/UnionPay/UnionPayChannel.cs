using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.UnionPay;

/// <summary>
/// The UnionPay online payment channel (ACP 5.1.0): the consume is a signed form the payer's browser posts to
/// <c>frontTransReq.do</c>; query and refund go server to server; every answer is verified against the
/// certificate it carries, which must have been issued by UnionPay's intermediate certificate under the configured root.
/// </summary>
public sealed class UnionPayChannel : IPaymentChannel, ISettlementChannel, IDisposable
{
    public const string ChannelId = "unionpay";
    internal const string HttpClientName = "paygate.unionpay";
    internal const string FrontPath = "/gateway/api/frontTransReq.do";
    internal const string BackPath = "/gateway/api/backTransReq.do";
    internal const string QueryPath = "/gateway/api/queryTrans.do";
    internal const string FileTransferPath = "/gateway/api/fileTransfer.do";

    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _clock;
    private readonly ILogger<UnionPayChannel> _logger;
    private readonly UnionPayOptions _options;
    private readonly RSA _signingKey;
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _middle;
    private readonly string _certId;

    public UnionPayChannel(IHttpClientFactory httpClients, IOptions<UnionPayOptions> options, TimeProvider clock, ILogger<UnionPayChannel> logger)
    {
        _httpClients = httpClients;
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        _signingKey = RSA.Create();
        _signingKey.ImportFromPem(_options.PrivateKeyPem);
        using var signing = X509Certificate2.CreateFromPem(_options.SigningCertificatePem);
        _certId = UnionPaySignature.CertId(signing);
        _root = X509Certificate2.CreateFromPem(_options.RootCertificatePem);
        _middle = X509Certificate2.CreateFromPem(_options.MiddleCertificatePem);
    }

    public string Id => ChannelId;

    public ChannelCapabilities Capabilities { get; } = new()
    {
        Currencies = new Dictionary<Currency, AmountLimits> { [Currency.CNY] = new(100, 100_000_000) },
        Flows = new HashSet<PaymentFlow> { PaymentFlow.Redirect },
        SettlementTime = TimeSpan.FromDays(1),
        SupportsQuery = true,
        // ACP has no close for an unpaid order: it lapses at payTimeout.
        SupportsClose = false,
        SupportsRefund = true,
    };

    /// <summary>Builds the signed consume form for the payer's browser; nothing is sent from here.</summary>
    public Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        if (request.Amount.Currency != Currency.CNY)
        {
            return Task.FromResult(new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelRequestInvalid, NativeCode = "CURRENCY", NativeMessage = "UnionPay online payments are in CNY" });
        }
        var fields = Common("01", "01", "000201", request.Reference, request.CreateTime ?? _clock.GetUtcNow());
        fields["channelType"] = _options.ChannelType;
        fields["txnAmt"] = request.Amount.AmountMinor.ToString(CultureInfo.InvariantCulture);
        fields["currencyCode"] = "156";
        fields["frontUrl"] = _options.FrontUrl;
        fields["backUrl"] = request.NotifyUrl;
        fields["payTimeout"] = Beijing(request.ExpireTime);
        fields["signature"] = UnionPaySignature.Sign(fields, _signingKey);
        var action = new PayerAction(null, _options.BaseUrl.TrimEnd('/') + FrontPath, fields);
        return Task.FromResult(new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = "FORM", NativeMessage = "browser form built", Action = action });
    }

    public async Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        if (order.CreateTime is not { } txnTime)
        {
            return new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelRequestInvalid, NativeCode = "NO_TXN_TIME", NativeMessage = "the order's txnTime is needed to query it" };
        }
        var result = await QueryTransactionAsync(order.Reference, txnTime, cancellationToken);
        // The payer may still post the signed form until payTimeout: "no such transaction" is not final before then.
        if (result.Error == ErrorCatalogue.ChannelOrderNotFound && order.ExpireTime is { } expire && _clock.GetUtcNow() < expire)
        {
            return result with { Outcome = ChannelOutcome.RequiresAction, Error = null, NativeMessage = "not posted yet; payable until payTimeout" };
        }
        return result;
    }

    /// <summary>
    /// ACP cannot close an unpaid order: it lapses at payTimeout. Closed means: never paid and no longer payable.
    /// </summary>
    public async Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var query = await QueryAsync(order, cancellationToken);
        return query.Outcome switch
        {
            ChannelOutcome.Failed or ChannelOutcome.Declined => ChannelResult.Success(query.NativeCode, "not paid and no longer payable"),
            ChannelOutcome.Succeeded => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = query.NativeCode, NativeMessage = "paid: refund it instead" },
            _ => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, query.NativeCode, "UnionPay has no close: the order stays payable until payTimeout"),
        };
    }

    public async Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        if (request.PaymentTransactionId is null)
        {
            return new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelRequestInvalid, NativeCode = "NO_QUERY_ID", NativeMessage = "the paid transaction's queryId is needed" };
        }
        var requestTime = request.RequestTime ?? _clock.GetUtcNow();
        var fields = Common("04", "00", "000201", request.RefundReference, requestTime);
        fields["channelType"] = _options.ChannelType;
        fields["origQryId"] = request.PaymentTransactionId;
        fields["txnAmt"] = request.Amount.AmountMinor.ToString(CultureInfo.InvariantCulture);
        // The refund's own notification (txnType 04) comes to this address.
        fields["backUrl"] = request.NotifyUrl ?? _options.FrontUrl;
        var (reply, failure) = await PostAsync(BackPath, fields, "refund", HttpRetry.Never, cancellationToken);
        if (reply is null)
        {
            return failure!;
        }
        var answer = reply;
        var code = answer.GetValueOrDefault("respCode", "");
        if (code is not ("00" or "A6"))
        {
            return FromCode(code, answer.GetValueOrDefault("respMsg", ""), answer.GetValueOrDefault("queryId"));
        }
        // 00 means accepted; the refund's own status says whether money moved.
        return await QueryTransactionAsync(request.RefundReference, requestTime, cancellationToken);
    }

    public Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken) =>
        request.RequestTime is { } time
            ? QueryTransactionAsync(request.RefundReference, time, cancellationToken)
            : Task.FromResult(new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelRequestInvalid, NativeCode = "NO_TXN_TIME", NativeMessage = "the refund's txnTime is needed" });

    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body)
    {
        var fields = ChannelForm.Parse(body, bracesGroup: true);
        var refusal = Refusal(fields);
        if (refusal is not null)
        {
            throw new NotificationRejectedException(refusal);
        }
        if (fields.GetValueOrDefault("merId") != _options.MerId)
        {
            throw new NotificationRejectedException("merId is not this merchant's");
        }
        var orderId = fields.GetValueOrDefault("orderId");
        var queryId = fields.GetValueOrDefault("queryId");
        if (string.IsNullOrEmpty(orderId) || string.IsNullOrEmpty(queryId))
        {
            throw new NotificationRejectedException("orderId or queryId missing");
        }
        var result = FromCode(fields.GetValueOrDefault("respCode", ""), fields.GetValueOrDefault("respMsg", ""), queryId);
        if (fields.GetValueOrDefault("txnType") == "04")
        {
            // A refund's notification to the refund's backUrl: orderId is the refund's own; the paid order is named only by origQryId.
            return new ChannelNotification("", $"{queryId}/{fields.GetValueOrDefault("respCode")}", result, orderId);
        }
        if (result.Outcome == ChannelOutcome.Succeeded && long.TryParse(fields.GetValueOrDefault("txnAmt"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            result = result with { ReportedAmountMinor = amount };
        }
        return new ChannelNotification(orderId, $"{queryId}/{fields.GetValueOrDefault("respCode")}", result);
    }

    public NotificationReply NotificationReply(bool accepted) => accepted ? new(200, "text/plain", "ok") : new(400, "text/plain", "fail");

    private async Task<ChannelResult> QueryTransactionAsync(string orderId, DateTimeOffset txnTime, CancellationToken cancellationToken)
    {
        var fields = Common("00", "00", "000000", orderId, txnTime);
        var (reply, failure) = await PostAsync(QueryPath, fields, "query", HttpRetry.Transient, cancellationToken);
        if (reply is null)
        {
            return failure!;
        }
        var answer = reply;
        var code = answer.GetValueOrDefault("respCode", "");
        if (code != "00")
        {
            return FromCode(code, answer.GetValueOrDefault("respMsg", ""), null);
        }
        // The query itself succeeded: the original transaction's fate is in origRespCode.
        var result = FromCode(answer.GetValueOrDefault("origRespCode", ""), answer.GetValueOrDefault("origRespMsg", ""), answer.GetValueOrDefault("queryId"));
        return long.TryParse(answer.GetValueOrDefault("txnAmt"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            ? result with { ReportedAmountMinor = amount }
            : result;
    }

    public TimeSpan SettlementDayOffset => BeijingOffset;

    /// <summary>
    /// Fetches the settlement file of <paramref name="date"/> by file transfer (<c>txnType=76</c>, <c>fileType=00</c>,
    /// <c>settleDate=MMDD</c>), signed and verified as every call; the answer carries the file in <c>fileContent</c>.
    /// </summary>
    public async Task<SettlementFile> FetchSettlementAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = "5.1.0",
            ["encoding"] = "UTF-8",
            ["signMethod"] = "01",
            ["txnType"] = "76",
            ["txnSubType"] = "01",
            ["bizType"] = "000000",
            ["accessType"] = "0",
            ["merId"] = _options.MerId,
            ["settleDate"] = date.ToString("MMdd", CultureInfo.InvariantCulture),
            ["txnTime"] = Beijing(_clock.GetUtcNow()),
            ["fileType"] = "00",
            ["certId"] = _certId,
        };
        var (answer, failure) = await PostAsync(FileTransferPath, fields, "file transfer", HttpRetry.Transient, cancellationToken);
        if (answer is null)
        {
            throw new SettlementFetchException($"settlement file not had: {failure!.NativeCode} {failure.NativeMessage}");
        }
        if (answer.GetValueOrDefault("respCode") != "00" || string.IsNullOrEmpty(answer.GetValueOrDefault("fileContent")))
        {
            throw new SettlementFetchException($"settlement file refused: {answer.GetValueOrDefault("respCode")} {answer.GetValueOrDefault("respMsg")}");
        }
        return UnionPaySettlementFile.Read(answer["fileContent"], answer.GetValueOrDefault("fileName", $"settle_{fields["settleDate"]}"), date);
    }

    private static ChannelResult FromCode(string code, string message, string? queryId)
    {
        var row = UnionPayCodeMap.Find(code);
        return new ChannelResult { Outcome = row.Outcome, Error = row.Error, NativeCode = code, NativeMessage = message.Length > 0 ? message : row.Meaning, ChannelTransactionId = queryId };
    }

    private Dictionary<string, string> Common(string txnType, string txnSubType, string bizType, string orderId, DateTimeOffset txnTime) => new(StringComparer.Ordinal)
    {
        ["version"] = "5.1.0",
        ["encoding"] = "UTF-8",
        ["signMethod"] = "01",
        ["txnType"] = txnType,
        ["txnSubType"] = txnSubType,
        ["bizType"] = bizType,
        ["accessType"] = "0",
        ["merId"] = _options.MerId,
        ["orderId"] = orderId,
        ["txnTime"] = Beijing(txnTime),
        ["certId"] = _certId,
    };

    /// <summary>
    /// Signs and posts one server-to-server request; the answer comes back verified, or what the failure means. Every call is a
    /// POST: <paramref name="retry"/> says whether it only reads, so that the HTTP layer may send it again.
    /// </summary>
    private async Task<(Dictionary<string, string>? Answer, ChannelResult? Failure)> PostAsync(string path, Dictionary<string, string> fields, string operation, HttpRetry retry,
        CancellationToken cancellationToken)
    {
        fields["signature"] = UnionPaySignature.Sign(fields, _signingKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.BaseUrl.TrimEnd('/') + path) { Content = new FormUrlEncodedContent(fields) }.WithRetry(retry);
        var (response, failure) = await ChannelHttp.SendAsync(_httpClients.CreateClient(HttpClientName), request, TimeSpan.FromSeconds(_options.TimeoutSeconds), _logger, $"UnionPay {operation}", cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }
        if (response!.Status != HttpStatusCode.OK)
        {
            return (null, ChannelHttp.StatusFailure(response.Status));
        }
        var answer = UnionPaySignature.ParseAnswer(response.Body);
        if (answer is null)
        {
            _logger.LogWarning("UnionPay {Operation}: answer refused: a field appears twice", operation);
            return (null, ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "INVALID_RESPONSE", "a field appears twice in the answer"));
        }
        var refusal = Refusal(answer);
        if (refusal is not null)
        {
            // Format and signature errors (10, 11, 13) may come back unsigned; their meaning is safe to act on.
            var code = answer.GetValueOrDefault("respCode", "");
            if (!answer.ContainsKey("signature") && code is "10" or "11" or "13")
            {
                return (answer, null);
            }
            _logger.LogWarning("UnionPay {Operation}: answer refused: {Reason}", operation, refusal);
            return (null, ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "INVALID_RESPONSE_SIGNATURE", refusal));
        }
        return (answer, null);
    }

    private string? Refusal(IReadOnlyDictionary<string, string> fields) =>
        UnionPaySignature.Refusal(fields, new UnionPayTrust(_root, _middle, _options.SignerOrganisation), _clock.GetUtcNow());

    private static string Beijing(DateTimeOffset time) => time.ToOffset(BeijingOffset).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _signingKey.Dispose();
        _root.Dispose();
        _middle.Dispose();
    }
}
