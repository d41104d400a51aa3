using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.Card;

/// <summary>
/// The international card channel: authorize-and-capture on an acquirer REST API (JSON, idempotency key header,
/// ISO 8583 response codes, HMAC-signed responses and webhooks). The card number goes to the acquirer and nowhere else.
/// </summary>
public sealed partial class CardChannel(IHttpClientFactory httpClients, IOptions<CardOptions> options, TimeProvider clock, ILogger<CardChannel> logger)
    : IPaymentChannel, IPayerAuthenticationChannel, ISettlementChannel
{
    public const string ChannelId = "card";
    internal const string HttpClientName = "paygate.card";
    /// <summary>The acquirer's signature header on answers and webhooks.</summary>
    internal const string CardHeader = "Acquirer-Signature";
    private readonly CardOptions _options = options.Value;

    public string Id => ChannelId;

    public ChannelCapabilities Capabilities { get; } = new()
    {
        Currencies = new Dictionary<Currency, AmountLimits>
        {
            [Currency.USD] = new(10_000, 100_000_000),
            [Currency.EUR] = new(10_000, 100_000_000),
            [Currency.GBP] = new(10_000, 100_000_000),
            [Currency.SGD] = new(15_000, 100_000_000),
            [Currency.HKD] = new(80_000, 800_000_000),
            [Currency.JPY] = new(15_000, 150_000_000),
        },
        Flows = new HashSet<PaymentFlow> { PaymentFlow.Card },
        SettlementTime = TimeSpan.FromDays(2),
        SupportsQuery = true,
        SupportsClose = false,
        SupportsRefund = true,
    };

    public async Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        if (request.Card is not { } card)
        {
            return new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.CardInvalid, NativeCode = "NO_CARD", NativeMessage = "no card details for this call" };
        }
        var cardJson = card.Token is { Length: > 0 } token
            ? new JsonObject { ["token"] = token }
            : new JsonObject { ["number"] = card.Number, ["exp_month"] = card.ExpMonth, ["exp_year"] = card.ExpYear, ["cvc"] = card.Cvc };
        var body = new JsonObject
        {
            ["merchant_account"] = _options.MerchantAccount,
            ["reference"] = request.Reference,
            ["amount"] = new JsonObject { ["value"] = request.Amount.AmountMinor, ["currency"] = request.Amount.Currency.Code },
            ["capture"] = true,
            ["description"] = request.Description,
            ["notify_url"] = request.NotifyUrl,
            ["card"] = cardJson,
        };
        var (json, failure) = await CallAsync(HttpMethod.Post, "/v1/payments", body, request.Reference, cancellationToken);
        return failure ?? FromPayment(json);
    }

    public async Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var reference = order.Reference;
        var (json, failure) = await CallAsync(HttpMethod.Get, $"/v1/payments/by-reference/{Uri.EscapeDataString(reference)}", null, null, cancellationToken);
        return failure ?? FromPayment(json);
    }

    /// <summary>
    /// Card payments are captured at once, so there is nothing open to close: an attempt the acquirer never saw, or
    /// declined, is as good as closed; a captured one must be refunded instead.
    /// </summary>
    public async Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var query = await QueryAsync(order, cancellationToken);
        if (query.Outcome is ChannelOutcome.RequiresAction or ChannelOutcome.Processing)
        {
            // Held for 3-D Secure: the acquirer keeps the card until the order is canceled, so that a late challenge cannot charge it.
            var (json, failure) = await CallAsync(HttpMethod.Post, $"/v1/payments/by-reference/{Uri.EscapeDataString(order.Reference)}/cancel",
                new JsonObject { ["merchant_account"] = _options.MerchantAccount }, order.Reference + "-CANCEL", cancellationToken);
            query = failure ?? FromPayment(json);
        }
        return query.Outcome switch
        {
            ChannelOutcome.Failed when query.Error == ErrorCatalogue.ChannelOrderNotFound => ChannelResult.Success(query.NativeCode, "no such payment: nothing to close"),
            ChannelOutcome.Declined => ChannelResult.Success(query.NativeCode, "declined: nothing to close"),
            ChannelOutcome.Succeeded => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = query.NativeCode, NativeMessage = "captured: refund it instead" },
            _ => query,
        };
    }

    public async Task<ChannelResult> AuthorizeAuthenticatedAsync(ChannelOrder order, string authenticationId, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["merchant_account"] = _options.MerchantAccount, ["authentication_id"] = authenticationId };
        // A key derived from the order's own: resent after a crash, the acquirer answers the first authorisation again.
        var (json, failure) = await CallAsync(HttpMethod.Post, $"/v1/payments/by-reference/{Uri.EscapeDataString(order.Reference)}/authorize", body,
            order.Reference + "-3DS", cancellationToken);
        return failure ?? FromPayment(json);
    }

    public async Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["merchant_account"] = _options.MerchantAccount,
            ["payment_reference"] = request.PaymentReference,
            ["reference"] = request.RefundReference,
            ["amount"] = new JsonObject { ["value"] = request.Amount.AmountMinor, ["currency"] = request.Amount.Currency.Code },
            ["reason"] = request.Reason,
        };
        var (json, failure) = await CallAsync(HttpMethod.Post, "/v1/refunds", body, request.RefundReference, cancellationToken);
        return failure ?? FromRefund(json);
    }

    public async Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var (paymentReference, refundReference) = (request.PaymentReference, request.RefundReference);
        var (json, failure) = await CallAsync(HttpMethod.Get, $"/v1/refunds/by-reference/{Uri.EscapeDataString(refundReference)}", null, null, cancellationToken);
        return failure ?? FromRefund(json);
    }

    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body)
    {
        var refusal = HmacSignature.Refusal(CardHeader, headers, body, _options.SigningSecret, clock.GetUtcNow(), _options.MaxClockSkewSeconds);
        if (refusal is not null)
        {
            throw new NotificationRejectedException(refusal);
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var id = Str(doc.RootElement, "id") ?? throw new NotificationRejectedException("event id missing");
            var payment = doc.RootElement.GetProperty("data");
            var reference = Str(payment, "reference") ?? throw new NotificationRejectedException("reference missing");
            if (Str(payment, "merchant_account") != _options.MerchantAccount)
            {
                throw new NotificationRejectedException("merchant_account is not this merchant's");
            }
            return new ChannelNotification(reference, id, FromPayment(payment.Clone()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new NotificationRejectedException($"malformed webhook ({ex.GetType().Name})");
        }
    }

    public NotificationReply NotificationReply(bool accepted) =>
        accepted ? new(200, "application/json", "{\"received\":true}") : new(400, "application/json", "{\"received\":false}");

    private static ChannelResult FromPayment(JsonElement payment)
    {
        var code = Str(payment, "response_code") ?? "";
        var status = Str(payment, "status") ?? "";
        var row = CardCodeMap.Find(code);
        long? amount = payment.TryGetProperty("amount", out var a) && a.TryGetProperty("value", out var v) && v.TryGetInt64(out var value) ? value : null;
        var message = Str(payment, "decline_code") ?? row.Meaning;
        var authentication = payment.TryGetProperty("authentication", out var a3ds) && a3ds.ValueKind == JsonValueKind.Object ? a3ds : default;
        switch (status)
        {
            // A soft decline asking for strong customer authentication (1A, or 65 where the network uses it so) with the acquirer's challenge.
            case "requires_authentication" when Str(authentication, "redirect_url") is { Length: > 0 } challenge:
                return new ChannelResult
                {
                    Outcome = ChannelOutcome.RequiresAction,
                    NativeCode = code,
                    NativeMessage = "3-D Secure challenge required",
                    ChannelTransactionId = Str(payment, "id"),
                    Action = new PayerAction(null, challenge),
                };
            case "authenticated" when Str(authentication, "id") is { Length: > 0 } authenticationId:
                return new ChannelResult
                {
                    Outcome = ChannelOutcome.Processing,
                    NativeCode = code,
                    NativeMessage = "payer authenticated; authorisation pending",
                    ChannelTransactionId = Str(payment, "id"),
                    AuthenticationId = authenticationId,
                };
            case "authentication_failed" or "canceled":
                return new ChannelResult
                {
                    Outcome = ChannelOutcome.Declined,
                    Error = ErrorCatalogue.CardAuthenticationNotCompleted,
                    NativeCode = code,
                    NativeMessage = status == "canceled" ? "canceled before the payer authenticated" : "3-D Secure authentication failed",
                    ChannelTransactionId = Str(payment, "id"),
                };
        }
        if (status == "captured" && code == "00")
        {
            return ChannelResult.Success(code, message, Str(payment, "id"), amount);
        }
        if (code == "00")
        {
            // Approved but not captured (or a status we do not know): ask again rather than guess.
            return ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, code, $"approved with status '{status}'");
        }
        return new ChannelResult { Outcome = row.Outcome, Error = row.Error, NativeCode = code, NativeMessage = message, ChannelTransactionId = Str(payment, "id") };
    }

    private static ChannelResult FromRefund(JsonElement refund)
    {
        var status = Str(refund, "status") ?? "";
        return status switch
        {
            "succeeded" => ChannelResult.Success(Str(refund, "response_code") ?? "00", "refunded", Str(refund, "id")),
            "pending" => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, status, "refund pending; query again"),
            "failed" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = Str(refund, "response_code") ?? status, NativeMessage = "refund failed" },
            _ => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, status, $"unrecognised refund status '{status}'"),
        };
    }

    public TimeSpan SettlementDayOffset => TimeSpan.Zero;

    /// <summary>
    /// Downloads the merchant account's settlement report of <paramref name="date"/> (UTC day) as CSV; the answer carries the
    /// acquirer's HMAC signature over its body like every answer, and is refused unsigned.
    /// </summary>
    public async Task<SettlementFile> FetchSettlementAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_options.BaseUrl.TrimEnd('/')}/v1/settlement-reports/{day}").WithRetry(HttpRetry.Transient);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _options.ApiKey);
        request.Headers.TryAddWithoutValidation("Accept", "text/csv");
        var (response, failure) = await ChannelHttp.SendAsync(httpClients.CreateClient(HttpClientName), request, TimeSpan.FromSeconds(_options.TimeoutSeconds), logger,
            "Card GET /v1/settlement-reports", cancellationToken);
        if (failure is not null)
        {
            throw new SettlementFetchException($"settlement report not had: {failure.NativeCode} {failure.NativeMessage}");
        }
        if (response!.Status != HttpStatusCode.OK)
        {
            throw new SettlementFetchException($"settlement report refused: HTTP {(int)response.Status}");
        }
        if (HmacSignature.Refusal(CardHeader, response.Headers, response.Body, _options.SigningSecret, clock.GetUtcNow(), _options.MaxClockSkewSeconds) is { } refusal)
        {
            throw new SettlementFetchException($"settlement report refused: {refusal}");
        }
        return CardSettlementReport.Read(response.Body, $"settlement_{day}.csv", date);
    }

    /// <summary>One call: bearer key, idempotency key on writes, the response's HMAC signature verified before use.</summary>
    private async Task<(JsonElement Json, ChannelResult? Failure)> CallAsync(HttpMethod method, string path, JsonObject? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        // Its GETs are the lookups by reference: reads the HTTP layer may send again; writes (POST) are sent once.
        using var request = new HttpRequestMessage(method, _options.BaseUrl.TrimEnd('/') + path)
            .WithRetry(method == HttpMethod.Get ? HttpRetry.Transient : HttpRetry.Never);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _options.ApiKey);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        var operation = $"Card {method.Method} {path.Split('/').Take(3).Aggregate((a, b) => a + "/" + b)}";
        var (response, failure) = await ChannelHttp.SendAsync(httpClients.CreateClient(HttpClientName), request, TimeSpan.FromSeconds(_options.TimeoutSeconds), logger, operation, cancellationToken);
        if (failure is not null)
        {
            return (default, failure);
        }
        var status = (int)response!.Status;
        if (ChannelHttp.Unverified(response, CardHeader,
            () => HmacSignature.Refusal(CardHeader, response.Headers, response.Body, _options.SigningSecret, clock.GetUtcNow(), _options.MaxClockSkewSeconds), logger, operation) is { } unverified)
        {
            return (default, unverified);
        }
        var (json, malformed) = ChannelJson.Parse(response);
        if (malformed is not null)
        {
            return (default, malformed);
        }
        if (status is >= 200 and < 300)
        {
            return (json, null);
        }
        var code = json.TryGetProperty("error", out var error) ? Str(error, "code") ?? "" : "";
        var message = json.TryGetProperty("error", out error) ? Str(error, "message") ?? "" : "";
        return (default, (response.Status, code) switch
        {
            (HttpStatusCode.NotFound, _) => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = code, NativeMessage = message },
            (HttpStatusCode.Unauthorized, _) => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.MerchantSignatureRejected, NativeCode = code, NativeMessage = message },
            // The acquirer already holds this reference or idempotency key: the first request may have charged. Query, never fail over.
            (HttpStatusCode.Conflict, _) when idempotencyKey is not null => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, code, message),
            (HttpStatusCode.Conflict, _) => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.OrderNumberConflict, NativeCode = code, NativeMessage = message },
            (HttpStatusCode.TooManyRequests, _) => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelRateLimited, NativeCode = code, NativeMessage = message },
            (HttpStatusCode.BadRequest, _) => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelRequestInvalid, NativeCode = code, NativeMessage = message },
            _ => ChannelHttp.StatusFailure(response.Status) with { NativeMessage = message },
        });
    }

    private static string? Str(JsonElement element, string name) => ChannelJson.Str(element, name);
}
