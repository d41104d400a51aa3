using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.Alipay;

/// <summary>The Alipay channel: OpenAPI gateway calls signed with RSA2, responses verified over the raw node.</summary>
public sealed class AlipayChannel : IPaymentChannel, ISettlementChannel, IDisposable
{
    public const string ChannelId = "alipay";
    internal const string HttpClientName = "paygate.alipay";

    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    // The OpenAPI methods that only read: the HTTP layer may send them again on a transient failure (all calls are POSTs).
    private static readonly HashSet<string> Reads = new(StringComparer.Ordinal) { "alipay.trade.query", "alipay.trade.fastpay.refund.query", "alipay.data.dataservice.bill.downloadurl.query" };
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlipayChannel> _logger;
    private readonly AlipayOptions _options;
    private readonly RSA _merchantKey;
    private readonly RSA _alipayKey;

    public AlipayChannel(IHttpClientFactory httpClients, IOptions<AlipayOptions> options, TimeProvider clock, ILogger<AlipayChannel> logger)
    {
        _httpClients = httpClients;
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        _merchantKey = RSA.Create();
        _merchantKey.ImportFromPem(_options.PrivateKeyPem);
        _alipayKey = RSA.Create();
        _alipayKey.ImportFromPem(_options.AlipayPublicKeyPem);
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
        var minutes = Math.Max(1, (int)Math.Ceiling((request.ExpireTime - _clock.GetUtcNow()).TotalMinutes));
        var biz = new Dictionary<string, object>
        {
            ["out_trade_no"] = request.Reference,
            ["total_amount"] = request.Amount.ToMajorUnitString(),
            ["subject"] = ChannelForm.FreeText(request.Description),
            ["timeout_express"] = $"{minutes}m",
        };
        var (response, failure) = await CallAsync("alipay.trade.precreate", biz, request.NotifyUrl, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var result = Classify(response!);
        if (result.Outcome == ChannelOutcome.Succeeded && response!.Code == "10000")
        {
            var qr = response.Field("qr_code");
            if (string.IsNullOrEmpty(qr))
            {
                return ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, "10000", "precreate answered without qr_code");
            }
            return result with { Outcome = ChannelOutcome.RequiresAction, Action = new PayerAction(qr, null) };
        }
        return result;
    }

    public async Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var reference = order.Reference;
        var (response, failure) = await CallAsync("alipay.trade.query", new Dictionary<string, object> { ["out_trade_no"] = reference }, null, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var result = Classify(response!);
        if (response!.Code != "10000")
        {
            return result;
        }
        var status = response.Field("trade_status") ?? "";
        var tradeNo = response.Field("trade_no");
        long? amount = Money.Money.TryParseMajorUnits(response.Field("total_amount"), Currency.CNY, out var m) ? m.AmountMinor : null;
        var native = $"10000/{status}";
        return status switch
        {
            "TRADE_SUCCESS" or "TRADE_FINISHED" => ChannelResult.Success(native, response.Message, tradeNo, amount),
            "WAIT_BUYER_PAY" => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = native, NativeMessage = response.Message, ChannelTransactionId = tradeNo, ReportedAmountMinor = amount },
            // Closed unpaid (or fully refunded, which the gateway tells apart by its own refund records).
            "TRADE_CLOSED" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.TradeClosed, NativeCode = native, NativeMessage = response.Message, ChannelTransactionId = tradeNo },
            _ => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, native, $"unrecognised trade_status '{status}'"),
        };
    }

    public async Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var reference = order.Reference;
        var (response, failure) = await CallAsync("alipay.trade.close", new Dictionary<string, object> { ["out_trade_no"] = reference }, null, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        // An order Alipay never created (a QR code nobody scanned) cannot be paid any more than a closed one.
        if (response!.SubCode == "ACQ.TRADE_NOT_EXIST")
        {
            return ChannelResult.Success(NativeCodeOf(response), response.SubMessage);
        }
        return Classify(response);
    }

    public async Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var biz = new Dictionary<string, object>
        {
            ["out_trade_no"] = request.PaymentReference,
            ["out_request_no"] = request.RefundReference,
            ["refund_amount"] = request.Amount.ToMajorUnitString(),
            ["refund_reason"] = ChannelForm.FreeText(request.Reason),
        };
        var (response, failure) = await CallAsync("alipay.trade.refund", biz, null, cancellationToken);
        return failure ?? Classify(response!);
    }

    public async Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var (paymentReference, refundReference) = (request.PaymentReference, request.RefundReference);
        var biz = new Dictionary<string, object> { ["out_trade_no"] = paymentReference, ["out_request_no"] = refundReference };
        var (response, failure) = await CallAsync("alipay.trade.fastpay.refund.query", biz, null, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        if (response!.Code != "10000")
        {
            return Classify(response);
        }
        // Alipay answers with the refund's data when it succeeded, and without it when there is no such refund.
        var status = response.Field("refund_status");
        if (status == "REFUND_SUCCESS" || (string.IsNullOrEmpty(status) && !string.IsNullOrEmpty(response.Field("refund_amount"))))
        {
            return ChannelResult.Success($"10000/{status ?? "REFUND_SUCCESS"}", response.Message, response.Field("trade_no"));
        }
        return new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "10000", NativeMessage = "no such refund" };
    }

    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body)
    {
        var form = ChannelForm.Parse(body, bracesGroup: false);
        form.TryGetValue("sign", out var sign);
        // Notifications are verified without both sign and sign_type (requests keep sign_type in).
        if (!AlipaySignature.Verify(AlipaySignature.SignContent(form, "sign", "sign_type"), sign, _alipayKey))
        {
            throw new NotificationRejectedException("signature verification failed");
        }
        if (ChannelForm.Ambiguity(form, skipEmpty: true, bracesGroup: false, "sign", "sign_type") is { } ambiguity)
        {
            throw new NotificationRejectedException(ambiguity);
        }
        if (!form.TryGetValue("app_id", out var appId) || appId != _options.AppId)
        {
            throw new NotificationRejectedException("app_id is not this merchant's");
        }
        if (!form.TryGetValue("out_trade_no", out var reference) || string.IsNullOrEmpty(reference)
            || !form.TryGetValue("notify_id", out var notifyId) || string.IsNullOrEmpty(notifyId))
        {
            throw new NotificationRejectedException("out_trade_no or notify_id missing");
        }
        var status = form.GetValueOrDefault("trade_status", "");
        long? amount = Money.Money.TryParseMajorUnits(form.GetValueOrDefault("total_amount"), Currency.CNY, out var m) ? m.AmountMinor : null;
        var tradeNo = form.GetValueOrDefault("trade_no");
        var result = status switch
        {
            "TRADE_SUCCESS" or "TRADE_FINISHED" => ChannelResult.Success(status, "notification", tradeNo, amount),
            "WAIT_BUYER_PAY" => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = status, ChannelTransactionId = tradeNo, ReportedAmountMinor = amount },
            "TRADE_CLOSED" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.TradeClosed, NativeCode = status, ChannelTransactionId = tradeNo },
            _ => throw new NotificationRejectedException($"unrecognised trade_status '{status}'"),
        };
        return new ChannelNotification(reference, notifyId, result);
    }

    public NotificationReply NotificationReply(bool accepted) =>
        accepted ? new(200, "text/plain", "success") : new(400, "text/plain", "fail");

    public TimeSpan SettlementDayOffset => BeijingOffset;

    /// <summary>
    /// Asks for the trade bill's download address (<c>alipay.data.dataservice.bill.downloadurl.query</c>, signed and verified
    /// as every call), then downloads the zip from it: the address itself is the credential (short-lived, issued to this app).
    /// </summary>
    public async Task<SettlementFile> FetchSettlementAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var biz = new Dictionary<string, object> { ["bill_type"] = "trade", ["bill_date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        var (response, failure) = await CallAsync("alipay.data.dataservice.bill.downloadurl.query", biz, null, cancellationToken);
        if (failure is not null)
        {
            throw new SettlementFetchException($"bill download address not had: {failure.NativeCode} {failure.NativeMessage}");
        }
        if (response!.Code != "10000" || string.IsNullOrEmpty(response.Field("bill_download_url")))
        {
            throw new SettlementFetchException($"bill download address refused: {NativeCodeOf(response)} {(string.IsNullOrEmpty(response.SubMessage) ? response.Message : response.SubMessage)}");
        }
        var url = new Uri(response.Field("bill_download_url")!);
        var (zip, name) = await SettlementDownload.BytesAsync(_httpClients.CreateClient(HttpClientName), url, TimeSpan.FromSeconds(_options.TimeoutSeconds), cancellationToken);
        return AlipayTradeBill.Read(zip, name, date);
    }

    private static ChannelResult Classify(AlipayResponse response)
    {
        var row = AlipayCodeMap.Find(response.Code, response.SubCode);
        return new ChannelResult
        {
            Outcome = row.Outcome,
            Error = row.Error,
            NativeCode = NativeCodeOf(response),
            NativeMessage = string.IsNullOrEmpty(response.SubMessage) ? response.Message : response.SubMessage,
            ChannelTransactionId = response.Field("trade_no"),
        };
    }

    private static string NativeCodeOf(AlipayResponse response) =>
        string.IsNullOrEmpty(response.SubCode) ? response.Code : $"{response.Code}/{response.SubCode}";

    /// <summary>
    /// Sends one signed OpenAPI call. Returns the verified response, or a result saying what the failure means:
    /// nothing left the machine (Failed), or the call may have reached Alipay (Unknown).
    /// </summary>
    private async Task<(AlipayResponse? Response, ChannelResult? Failure)> CallAsync(
        string method, Dictionary<string, object> biz, string? notifyUrl, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>
        {
            ["app_id"] = _options.AppId,
            ["method"] = method,
            ["format"] = "json",
            ["charset"] = "utf-8",
            ["sign_type"] = "RSA2",
            ["timestamp"] = _clock.GetUtcNow().ToOffset(BeijingOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["version"] = "1.0",
            ["biz_content"] = JsonSerializer.Serialize(biz),
        };
        if (!string.IsNullOrEmpty(notifyUrl))
        {
            parameters["notify_url"] = notifyUrl;
        }
        parameters["sign"] = AlipaySignature.Sign(AlipaySignature.SignContent(parameters, "sign"), _merchantKey);

        using var content = new FormUrlEncodedContent(parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_options.GatewayUrl}?charset=utf-8") { Content = content }
            .WithRetry(Reads.Contains(method) ? HttpRetry.Transient : HttpRetry.Never);
        var (response, failure) = await ChannelHttp.SendAsync(_httpClients.CreateClient(HttpClientName), request,
            TimeSpan.FromSeconds(_options.TimeoutSeconds), _logger, $"Alipay {method}", cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }
        if (response!.Status != System.Net.HttpStatusCode.OK)
        {
            _logger.LogWarning("Alipay {Method} answered HTTP {Status}", method, (int)response.Status);
            return (null, ChannelHttp.StatusFailure(response.Status));
        }
        var body = response.Body;

        var parsed = AlipayResponse.Parse(body, method);
        if (parsed is null)
        {
            return (null, ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "MALFORMED_RESPONSE", "the response has no response node"));
        }
        if (parsed.Sign is null)
        {
            // Alipay may leave business errors unsigned; a success must always be signed.
            if (parsed.Code == "10000")
            {
                return (null, ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "UNSIGNED_RESPONSE", "a success response without sign"));
            }
            return (parsed, null);
        }
        if (!AlipaySignature.Verify(parsed.RawNode, parsed.Sign, _alipayKey))
        {
            _logger.LogWarning("Alipay {Method}: response signature verification failed", method);
            return (null, ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "INVALID_RESPONSE_SIGNATURE", "response signature verification failed"));
        }
        return (parsed, null);
    }

    public void Dispose()
    {
        _merchantKey.Dispose();
        _alipayKey.Dispose();
    }
}
