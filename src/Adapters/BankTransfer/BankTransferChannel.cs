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

namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// Bank transfer for large and B2B payments: the gateway opens a collection at the bank (a per-payment virtual account,
/// <c>VA</c> + the payment reference), the payer pushes the money quoting the reference, and the bank's ISO 20022
/// camt.054 notifications (pushed) and camt.053 statements (pulled) say what arrived. Matching credits to payments is
/// the gateway's (see <see cref="IStatementChannel"/>); a refund is an instruction to the bank to send money back.
/// </summary>
public sealed class BankTransferChannel(IHttpClientFactory httpClients, IOptions<BankTransferOptions> options, TimeProvider clock, ILogger<BankTransferChannel> logger)
    : IPaymentChannel, IStatementChannel
{
    public const string ChannelId = "banktransfer";
    internal const string HttpClientName = "paygate.banktransfer";
    private const string VirtualAccountPrefix = "VA";
    private readonly BankTransferOptions _options = options.Value;

    public string Id => ChannelId;

    public ChannelCapabilities Capabilities { get; } = new()
    {
        Currencies = new Dictionary<Currency, AmountLimits> { [Currency.CNY] = new(50_000, 100_000_000_000) },
        Flows = new HashSet<PaymentFlow> { PaymentFlow.BankTransfer },
        SettlementTime = TimeSpan.FromDays(3),
        SupportsQuery = true,
        SupportsClose = true,
        SupportsRefund = true,
    };

    /// <summary>The virtual account of a payment reference, and back.</summary>
    public static string VirtualAccountFor(string reference) => VirtualAccountPrefix + reference;

    public static string? ReferenceOfVirtualAccount(string account) =>
        account.StartsWith(VirtualAccountPrefix, StringComparison.Ordinal) && account.Length > VirtualAccountPrefix.Length ? account[VirtualAccountPrefix.Length..] : null;

    public async Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["reference"] = request.Reference,
            ["virtual_account"] = VirtualAccountFor(request.Reference),
            ["amount"] = request.Amount.ToMajorUnitString(),
            ["currency"] = request.Amount.Currency.Code,
            ["expire_time"] = request.ExpireTime.ToString("O", CultureInfo.InvariantCulture),
            ["notify_url"] = request.NotifyUrl,
        };
        var (json, failure) = await CallAsync(HttpMethod.Post, "/v1/collections", body, "open collection", cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var account = Str(json, "virtual_account") ?? VirtualAccountFor(request.Reference);
        var instructions = new TransferInstructions(_options.AccountName, account, _options.BankName, _options.Bic, request.Reference,
            request.Amount.AmountMinor, request.Amount.Currency.Code, request.ExpireTime);
        return new ChannelResult
        {
            Outcome = ChannelOutcome.RequiresAction,
            NativeCode = Str(json, "status") ?? "OPEN",
            NativeMessage = "collection open: waiting for the payer's transfer",
            ChannelTransactionId = account,
            Action = new PayerAction(null, null, null, instructions),
        };
    }

    /// <summary>The collection's state at the bank: open (waiting), or closed. Credits themselves come by camt.</summary>
    public async Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var (json, failure) = await CallAsync(HttpMethod.Get, $"/v1/collections/{Uri.EscapeDataString(order.Reference)}", null, "query collection", cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        return Str(json, "status") switch
        {
            "OPEN" => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = "OPEN", NativeMessage = "waiting for the payer's transfer" },
            "CLOSED" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.TradeClosed, NativeCode = "CLOSED", NativeMessage = "collection closed" },
            var other => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, other ?? "", "unrecognised collection status"),
        };
    }

    /// <summary>Closes the collection: the bank returns later transfers to it instead of booking them.</summary>
    public async Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var (json, failure) = await CallAsync(HttpMethod.Post, $"/v1/collections/{Uri.EscapeDataString(order.Reference)}/close", new JsonObject(), "close collection", cancellationToken);
        if (failure is not null)
        {
            return failure.Error == ErrorCatalogue.ChannelOrderNotFound ? ChannelResult.Success("NOT_FOUND", "no collection: nothing to close") : failure;
        }
        return ChannelResult.Success(Str(json, "status") ?? "CLOSED", "collection closed");
    }

    /// <summary>A refund instruction: the bank sends the amount back to the account the payment came from.</summary>
    public async Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["reference"] = request.RefundReference,
            ["original_reference"] = request.PaymentReference,
            ["amount"] = request.Amount.ToMajorUnitString(),
            ["currency"] = request.Amount.Currency.Code,
            ["reason"] = request.Reason,
        };
        var (json, failure) = await CallAsync(HttpMethod.Post, "/v1/refunds", body, "refund", cancellationToken);
        return failure ?? FromRefund(json);
    }

    public async Task<ChannelResult> ReturnCreditAsync(string entryReference, Money.Money amount, string returnReference, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["reference"] = returnReference,
            ["entry_reference"] = entryReference,
            ["amount"] = amount.ToMajorUnitString(),
            ["currency"] = amount.Currency.Code,
        };
        var (json, failure) = await CallAsync(HttpMethod.Post, "/v1/returns", body, "return", cancellationToken);
        return failure ?? FromRefund(json);
    }

    public async Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var (json, failure) = await CallAsync(HttpMethod.Get, $"/v1/refunds/{Uri.EscapeDataString(request.RefundReference)}", null, "refund query", cancellationToken);
        return failure ?? FromRefund(json);
    }

    /// <summary>A bank notification is a document of many credits: see <see cref="ParseStatement"/>.</summary>
    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body) =>
        throw new NotificationRejectedException("bank notifications are camt documents: read them as statements");

    public NotificationReply NotificationReply(bool accepted) => accepted ? new(200, "text/plain", "ACK") : new(400, "text/plain", "NACK");

    public BankStatement ParseStatement(IReadOnlyDictionary<string, string> headers, string body)
    {
        if (HmacSignature.Refusal(BankInterface.SignatureHeader, headers, body, _options.SigningSecret, clock.GetUtcNow(), _options.MaxClockSkewSeconds) is { } refusal)
        {
            throw new NotificationRejectedException(refusal);
        }
        return Read(body);
    }

    public async Task<BankStatement> FetchStatementAsync(DateOnly date, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"/v1/statements/{date:yyyy-MM-dd}", null);
        var (response, failure) = await SendAsync(request, "statement", cancellationToken);
        if (failure is not null)
        {
            throw new HttpRequestException($"the bank statement of {date:yyyy-MM-dd} could not be fetched: {failure.NativeCode} {failure.NativeMessage}");
        }
        if (response!.Status != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"the bank answered HTTP {(int)response.Status} for the statement of {date:yyyy-MM-dd}");
        }
        return Read(response.Body);
    }

    private BankStatement Read(string xml)
    {
        BankStatement statement;
        try
        {
            statement = CamtReader.Parse(xml, ReferenceOfVirtualAccount);
        }
        catch (FormatException ex)
        {
            throw new NotificationRejectedException($"malformed camt document: {ex.Message}");
        }
        if (statement.Account != _options.Account)
        {
            throw new NotificationRejectedException($"the document is about account {statement.Account}, not the merchant's");
        }
        return statement;
    }

    private static ChannelResult FromRefund(JsonElement json) => Str(json, "status") switch
    {
        "EXECUTED" => ChannelResult.Success("EXECUTED", "refund sent back to the payer's account", Str(json, "bank_reference")),
        "ACCEPTED" => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, "ACCEPTED", "refund accepted, not yet executed"),
        "REJECTED" => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = "REJECTED/" + Str(json, "reason"), NativeMessage = "refund rejected" },
        var other => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, other ?? "", "unrecognised refund status"),
    };

    private HttpRequestMessage Request(HttpMethod method, string path, JsonObject? body)
    {
        var request = new HttpRequestMessage(method, _options.BaseUrl.TrimEnd('/') + path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _options.ApiKey);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        return request;
    }

    private Task<(ChannelHttpResponse? Response, ChannelResult? Failure)> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken) =>
        BankInterface.SendAsync(httpClients.CreateClient(HttpClientName), request, TimeSpan.FromSeconds(_options.TimeoutSeconds), _options.SigningSecret,
            _options.MaxClockSkewSeconds, clock, logger, $"Bank {operation}", cancellationToken);

    private async Task<(JsonElement Json, ChannelResult? Failure)> CallAsync(HttpMethod method, string path, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body);
        var (response, failure) = await SendAsync(request, operation, cancellationToken);
        if (failure is not null)
        {
            return (default, failure);
        }
        if (response!.Status == HttpStatusCode.NotFound)
        {
            return (default, new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "NOT_FOUND", NativeMessage = "the bank has no such record" });
        }
        if ((int)response.Status is < 200 or >= 300)
        {
            return (default, ChannelHttp.StatusFailure(response.Status));
        }
        var (json, malformed) = ChannelJson.Parse(response);
        return malformed is not null ? (default, malformed) : (json, null);
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
