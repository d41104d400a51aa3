using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.WeChatPay;

/// <summary>The WeChat Pay channel: API v3 Native (QR) payments, signed requests, verified responses and notifications.</summary>
public sealed class WeChatPayChannel : IPaymentChannel, ISettlementChannel, IDisposable
{
    public const string ChannelId = "wechatpay";
    internal const string HttpClientName = "paygate.wechatpay";

    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _clock;
    private readonly ILogger<WeChatPayChannel> _logger;
    private readonly WeChatPayOptions _options;
    private readonly RSA _merchantKey;
    private readonly Dictionary<string, RSA> _platformKeys;
    private readonly IRequestNonce _nonce;

    public WeChatPayChannel(IHttpClientFactory httpClients, IOptions<WeChatPayOptions> options, TimeProvider clock, IRequestNonce nonce, ILogger<WeChatPayChannel> logger)
    {
        _httpClients = httpClients;
        _clock = clock;
        _nonce = nonce;
        _logger = logger;
        _options = options.Value;
        _merchantKey = RSA.Create();
        _merchantKey.ImportFromPem(_options.PrivateKeyPem);
        _platformKeys = _options.PlatformPublicKeys.ToDictionary(p => p.Key, p =>
        {
            var key = RSA.Create();
            key.ImportFromPem(p.Value);
            return key;
        }, StringComparer.Ordinal);
    }

    public string Id => ChannelId;

    public ChannelCapabilities Capabilities { get; } = new()
    {
        Currencies = new Dictionary<Currency, AmountLimits> { [Currency.CNY] = new(100, 100_000_000) },
        Flows = new HashSet<PaymentFlow> { PaymentFlow.QrCode },
        SettlementTime = TimeSpan.FromDays(1),
        SupportsQuery = true,
        SupportsClose = true,
        SupportsRefund = true,
    };

    public async Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["appid"] = _options.AppId,
            ["mchid"] = _options.MchId,
            ["description"] = request.Description,
            ["out_trade_no"] = request.Reference,
            ["time_expire"] = request.ExpireTime.ToOffset(BeijingOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["notify_url"] = request.NotifyUrl,
            ["amount"] = new JsonObject { ["total"] = request.Amount.AmountMinor, ["currency"] = request.Amount.Currency.Code },
        };
        var (answer, failure) = await CallAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var codeUrl = Str(answer!.Json, "code_url");
        return string.IsNullOrEmpty(codeUrl)
            ? ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, "NO_CODE_URL", "native order answered without code_url")
            : new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = $"HTTP {(int)answer.Status}", Action = new PayerAction(codeUrl, null) };
    }

    public async Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var reference = order.Reference;
        var path = $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(reference)}?mchid={Uri.EscapeDataString(_options.MchId)}";
        var (answer, failure) = await CallAsync(HttpMethod.Get, path, null, cancellationToken);
        return failure ?? FromTransaction(answer!.Json, "query");
    }

    public async Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var reference = order.Reference;
        var path = $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(reference)}/close";
        var (_, failure) = await CallAsync(HttpMethod.Post, path, new JsonObject { ["mchid"] = _options.MchId }, cancellationToken);
        if (failure is null)
        {
            return ChannelResult.Success("HTTP 204", "closed");
        }
        // An order WeChat Pay never created cannot be paid any more than a closed one.
        return failure.NativeCode is "ORDER_NOT_EXIST" or "ORDERNOTEXIST" or "ORDER_CLOSED" or "ORDERCLOSED"
            ? ChannelResult.Success(failure.NativeCode, failure.NativeMessage)
            : failure;
    }

    public async Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["out_trade_no"] = request.PaymentReference,
            ["out_refund_no"] = request.RefundReference,
            ["reason"] = request.Reason,
            ["amount"] = new JsonObject
            {
                ["refund"] = request.Amount.AmountMinor,
                ["total"] = request.PaymentTotal.AmountMinor,
                ["currency"] = request.Amount.Currency.Code,
            },
        };
        if (request.NotifyUrl is not null)
        {
            body["notify_url"] = request.NotifyUrl;
        }
        var (answer, failure) = await CallAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", body, cancellationToken);
        return failure ?? FromRefund(answer!.Json);
    }

    public async Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var (paymentReference, refundReference) = (request.PaymentReference, request.RefundReference);
        var (answer, failure) = await CallAsync(HttpMethod.Get, $"/v3/refund/domestic/refunds/{Uri.EscapeDataString(refundReference)}", null, cancellationToken);
        return failure ?? FromRefund(answer!.Json);
    }

    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body)
    {
        var refusal = WeChatPaySignature.Refusal(headers, body, _platformKeys, _clock.GetUtcNow(), _options.MaxClockSkewSeconds);
        if (refusal is not null)
        {
            throw new NotificationRejectedException(refusal);
        }
        JsonElement transaction;
        string id;
        string eventType;
        try
        {
            using var envelope = JsonDocument.Parse(body);
            var root = envelope.RootElement;
            id = Str(root, "id") ?? throw new NotificationRejectedException("notification id missing");
            eventType = Str(root, "event_type") ?? "";
            var resource = root.GetProperty("resource");
            if (Str(resource, "algorithm") != "AEAD_AES_256_GCM")
            {
                throw new NotificationRejectedException("unsupported resource algorithm");
            }
            var plaintext = WeChatPaySignature.Decrypt(_options.ApiV3Key, Str(resource, "nonce") ?? "", Str(resource, "associated_data") ?? "", Str(resource, "ciphertext") ?? "");
            using var inner = JsonDocument.Parse(plaintext);
            transaction = inner.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or CryptographicException or InvalidOperationException)
        {
            throw new NotificationRejectedException($"malformed or undecryptable notification ({ex.GetType().Name})");
        }
        if (eventType.StartsWith("REFUND.", StringComparison.Ordinal))
        {
            return RefundNotification(id, transaction);
        }
        if (Str(transaction, "mchid") != _options.MchId || Str(transaction, "appid") != _options.AppId)
        {
            throw new NotificationRejectedException("mchid or appid is not this merchant's");
        }
        var reference = Str(transaction, "out_trade_no");
        if (string.IsNullOrEmpty(reference))
        {
            throw new NotificationRejectedException("out_trade_no missing");
        }
        return new ChannelNotification(reference, id, FromTransaction(transaction, "notification"));
    }

    /// <summary>
    /// A refund notification (<c>REFUND.SUCCESS</c>, <c>REFUND.ABNORMAL</c>, <c>REFUND.CLOSED</c>): its decrypted resource
    /// names the merchant (no appid), the paid order, the refund and its <c>refund_status</c>.
    /// </summary>
    private ChannelNotification RefundNotification(string id, JsonElement refund)
    {
        if (Str(refund, "mchid") != _options.MchId)
        {
            throw new NotificationRejectedException("mchid is not this merchant's");
        }
        var (reference, refundReference) = (Str(refund, "out_trade_no"), Str(refund, "out_refund_no"));
        if (string.IsNullOrEmpty(reference) || string.IsNullOrEmpty(refundReference))
        {
            throw new NotificationRejectedException("out_trade_no or out_refund_no missing");
        }
        var status = Str(refund, "refund_status") ?? "";
        return new ChannelNotification(reference, id, FromRefundStatus(status, Str(refund, "refund_id")), refundReference);
    }

    public NotificationReply NotificationReply(bool accepted) => accepted
        ? new(204, "text/plain", "")
        : new(500, "application/json", "{\"code\":\"FAIL\",\"message\":\"not accepted\"}");

    private static ChannelResult FromTransaction(JsonElement transaction, string source)
    {
        var state = Str(transaction, "trade_state") ?? "";
        var transactionId = Str(transaction, "transaction_id");
        long? total = transaction.TryGetProperty("amount", out var amount) && amount.TryGetProperty("total", out var t) && t.TryGetInt64(out var v) ? v : null;
        var message = Str(transaction, "trade_state_desc") ?? source;
        return state switch
        {
            // REFUND: it was paid, then (part) refunded; the payment itself succeeded.
            "SUCCESS" or "REFUND" => ChannelResult.Success(state, message, transactionId, total),
            "NOTPAY" or "USERPAYING" => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = state, NativeMessage = message, ReportedAmountMinor = total },
            "CLOSED" or "REVOKED" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.TradeClosed, NativeCode = state, NativeMessage = message },
            "PAYERROR" => new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.PayerPaymentFailed, NativeCode = state, NativeMessage = message },
            _ => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, state, $"unrecognised trade_state '{state}'"),
        };
    }

    private static ChannelResult FromRefund(JsonElement refund) => FromRefundStatus(Str(refund, "status") ?? "", Str(refund, "refund_id"));

    private static ChannelResult FromRefundStatus(string status, string? refundId)
    {
        return status switch
        {
            "SUCCESS" => ChannelResult.Success(status, "refunded", refundId),
            "PROCESSING" => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, status, "refund in progress; query again"),
            "CLOSED" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = status, NativeMessage = "refund closed" },
            "ABNORMAL" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.PayerAccountRestricted, NativeCode = status, NativeMessage = "refund abnormal: the payer's account cannot receive it" },
            _ => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, status, $"unrecognised refund status '{status}'"),
        };
    }

    public TimeSpan SettlementDayOffset => BeijingOffset;

    /// <summary>
    /// Applies for the day's trade bill (<c>GET /v3/bill/tradebill?bill_type=ALL</c>, signed and verified as every call),
    /// downloads it from <c>download_url</c> with a signed GET (the download's answer is not signed), and checks it against
    /// the <c>hash_value</c> (SHA1) the signed answer gave before reading a line of it.
    /// </summary>
    public async Task<SettlementFile> FetchSettlementAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (answer, failure) = await CallAsync(HttpMethod.Get, $"/v3/bill/tradebill?bill_date={day}&bill_type=ALL", null, cancellationToken);
        if (failure is not null)
        {
            throw new SettlementFetchException($"trade bill not had: {failure.NativeCode} {failure.NativeMessage}");
        }
        var (url, hashType, hash) = (Str(answer!.Json, "download_url"), Str(answer.Json, "hash_type"), Str(answer.Json, "hash_value"));
        if (url is null || hashType != "SHA1" || hash is null)
        {
            throw new SettlementFetchException("the trade bill answer lacks download_url or a SHA1 hash_value");
        }
        var download = new Uri(url);
        var (body, _) = await SettlementDownload.BytesAsync(_httpClients.CreateClient(HttpClientName), download, TimeSpan.FromSeconds(_options.TimeoutSeconds), cancellationToken,
            request => request.Headers.TryAddWithoutValidation("Authorization", WeChatPaySignature.Authorization("GET", download.PathAndQuery, "", _options.MchId,
                _options.MerchantSerialNo, _merchantKey, _clock.GetUtcNow().ToUnixTimeSeconds(), _nonce.Next())));
        var actual = Convert.ToHexStringLower(SHA1.HashData(body));
        if (!string.Equals(actual, hash, StringComparison.OrdinalIgnoreCase))
        {
            throw new SettlementFetchException($"the downloaded bill's SHA1 {actual} is not the hash_value {hash} the signed answer gave");
        }
        return WeChatPayTradeBill.Read(Encoding.UTF8.GetString(body), $"tradebill_{_options.MchId}_{day}.csv", date);
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Json);

    /// <summary>
    /// Sends one signed call. Returns the verified JSON answer, or what the failure means. A 2xx answer must carry a
    /// valid platform signature; an error answer is checked when signed and taken as sent when not.
    /// </summary>
    private async Task<(Answer? Answer, ChannelResult? Failure)> CallAsync(HttpMethod method, string pathAndQuery, JsonObject? body, CancellationToken cancellationToken)
    {
        var url = _options.BaseUrl.TrimEnd('/') + pathAndQuery;
        var signedPath = new Uri(url).PathAndQuery;
        var bodyText = body?.ToJsonString() ?? "";
        var nonce = _nonce.Next();
        // Its GETs are the query APIs (order, refund): reads the HTTP layer may send again; every write is a POST, sent once.
        using var request = new HttpRequestMessage(method, url).WithRetry(method == HttpMethod.Get ? HttpRetry.Transient : HttpRetry.Never);
        request.Headers.TryAddWithoutValidation("Authorization",
            WeChatPaySignature.Authorization(method.Method, signedPath, bodyText, _options.MchId, _options.MerchantSerialNo, _merchantKey, _clock.GetUtcNow().ToUnixTimeSeconds(), nonce));
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "Paygate/1.0");
        if (body is not null)
        {
            request.Content = new StringContent(bodyText, Encoding.UTF8, "application/json");
        }

        var operation = $"WeChat Pay {method.Method} {pathAndQuery.Split('?')[0]}";
        var (response, failure) = await ChannelHttp.SendAsync(_httpClients.CreateClient(HttpClientName), request, TimeSpan.FromSeconds(_options.TimeoutSeconds), _logger, operation, cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }
        var status = (int)response!.Status;
        if (ChannelHttp.Unverified(response, "Wechatpay-Signature",
            () => WeChatPaySignature.Refusal(response.Headers, response.Body, _platformKeys, _clock.GetUtcNow(), _options.MaxClockSkewSeconds), _logger, operation) is { } unverified)
        {
            return (null, unverified);
        }
        var (json, malformed) = ChannelJson.Parse(response);
        if (malformed is not null)
        {
            return (null, malformed);
        }
        if (status is >= 200 and < 300)
        {
            return (new Answer(response.Status, json), null);
        }
        var code = json.ValueKind == JsonValueKind.Object ? Str(json, "code") : null;
        if (code is null)
        {
            return (null, ChannelHttp.StatusFailure(response.Status));
        }
        var row = WeChatPayCodeMap.Find(code);
        return (null, new ChannelResult { Outcome = row.Outcome, Error = row.Error, NativeCode = code, NativeMessage = Str(json, "message") ?? "" });
    }

    private static string? Str(JsonElement element, string name) => ChannelJson.Str(element, name);

    public void Dispose()
    {
        _merchantKey.Dispose();
        foreach (var key in _platformKeys.Values)
        {
            key.Dispose();
        }
    }
}
