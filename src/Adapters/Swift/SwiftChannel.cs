using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.Swift;

/// <summary>
/// SWIFT-style cross-border credit transfer: the gateway builds an MT103 from the payer's account to the merchant's,
/// validates it (PM-5001 naming the field and rule when it breaks one), sends it to its bank's SWIFT interface, reads
/// the ACK/NAK, and follows the transfer by its UETR until it is credited or rejected. The sender's reference and the
/// UETR derive from the attempt's order number, so a resend is the same message and the bank keeps it once.
/// </summary>
public sealed partial class SwiftChannel(IHttpClientFactory httpClients, IOptions<SwiftOptions> options, TimeProvider clock, ILogger<SwiftChannel> logger) : IPaymentChannel
{
    public const string ChannelId = "swift";
    internal const string HttpClientName = "paygate.swift";
    private readonly SwiftOptions _options = options.Value;

    public string Id => ChannelId;

    public ChannelCapabilities Capabilities { get; } = new()
    {
        Currencies = new Dictionary<Currency, AmountLimits>
        {
            [Currency.USD] = new(10_000, 10_000_000_000),
            [Currency.EUR] = new(10_000, 10_000_000_000),
            [Currency.GBP] = new(10_000, 10_000_000_000),
            [Currency.HKD] = new(80_000, 80_000_000_000),
            [Currency.SGD] = new(15_000, 15_000_000_000),
            [Currency.JPY] = new(15_000, 1_500_000_000),
        },
        Flows = new HashSet<PaymentFlow> { PaymentFlow.CreditTransfer },
        SettlementTime = TimeSpan.FromDays(2),
        SupportsQuery = true,
        SupportsClose = false,
        SupportsRefund = false,
    };

    /// <summary>The UETR of an attempt: a UUID v4 made from its order number, the same on every resend.</summary>
    public static Guid UetrFor(string reference)
    {
        var bytes = SHA256.HashData(Encoding.ASCII.GetBytes("paygate-uetr:" + reference))[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Field 20 (16x) of an attempt: the last 16 characters of its order number (random part and attempt number).</summary>
    public static string SendersReferenceFor(string reference) => reference.Length <= 16 ? reference : reference[^16..];

    public async Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        if (request.Payer is not { } payer)
        {
            return Refused([new Mt103Violation("50K", "the ordering customer's account and name are required (payment_method.bank_account)", "T13")]);
        }
        var message = new Mt103
        {
            SenderLogicalTerminal = _options.SenderLogicalTerminal,
            Session = _options.Session,
            Sequence = (BitConverter.ToUInt32(SHA256.HashData(Encoding.ASCII.GetBytes(request.Reference))) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture),
            ReceiverAddress = _options.ReceiverAddress,
            Uetr = UetrFor(request.Reference),
            SendersReference = SendersReferenceFor(request.Reference),
            ValueDate = DateOnly.FromDateTime((request.CreateTime ?? clock.GetUtcNow()).UtcDateTime),
            Amount = request.Amount,
            OrderingCustomer = payer.Bic is { } bic
                ? SwiftParty.Identified(payer.Account, bic)
                : SwiftParty.Named(payer.Account, [payer.Name, .. payer.Address]),
            Beneficiary = SwiftParty.Named(_options.BeneficiaryAccount, [.. _options.BeneficiaryNameAndAddress]),
            RemittanceInformation = RemittanceFor(request),
            Charges = _options.Charges,
        };
        string text;
        try
        {
            text = Mt103Format.Write(message);
        }
        catch (SwiftFormatException ex)
        {
            return Refused(ex.Violations);
        }
        var (response, failure) = await CallAsync(HttpMethod.Post, "/v1/messages", text, "send", cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var ack = ServiceMessage().Match(response!.Body);
        if (response.Status != HttpStatusCode.OK || !ack.Success)
        {
            return ChannelHttp.StatusFailure(response.Status == HttpStatusCode.OK ? HttpStatusCode.BadGateway : response.Status);
        }
        if (ack.Groups["result"].Value == "0")
        {
            return new ChannelResult { Outcome = ChannelOutcome.Processing, NativeCode = "ACK", NativeMessage = $"accepted by the network, UETR {message.Uetr}" };
        }
        var code = ack.Groups["error"].Value;
        logger.LogWarning("SWIFT NAK {Code} for {Reference}", code, message.SendersReference);
        return new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.SwiftFormat, NativeCode = "NAK/" + code, NativeMessage = "the network refused the message format" };
    }

    public async Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        var (response, failure) = await CallAsync(HttpMethod.Get, $"/v1/payments/{UetrFor(order.Reference):D}", null, "status", cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        if (response!.Status == HttpStatusCode.NotFound)
        {
            return new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "NOT_FOUND", NativeMessage = "the network has no transfer with this UETR" };
        }
        if (response.Status != HttpStatusCode.OK)
        {
            return ChannelHttp.StatusFailure(response.Status);
        }
        var (json, malformed) = ChannelJson.Parse(response);
        if (malformed is not null)
        {
            return malformed;
        }
        var status = json.TryGetProperty("transaction_status", out var s) ? s.GetString() ?? "" : "";
        var reason = json.TryGetProperty("status_reason", out var r) ? r.GetString() ?? "" : "";
        long? amount = json.TryGetProperty("amount_minor", out var a) && a.TryGetInt64(out var value) ? value : null;
        switch (status)
        {
            case "ACCC":
                return ChannelResult.Success("ACCC", "credited to the beneficiary", json.TryGetProperty("uetr", out var u) ? u.GetString() : null, amount);
            case "ACSP":
                return new ChannelResult { Outcome = ChannelOutcome.Processing, NativeCode = "ACSP", NativeMessage = "settlement in process" };
            case "RJCT":
                var (outcome, error) = SwiftCodeMap.ForReject(reason);
                return new ChannelResult { Outcome = outcome, Error = error, NativeCode = "RJCT/" + reason, NativeMessage = "rejected" };
            default:
                return ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, status, "unrecognised transaction status");
        }
    }

    /// <summary>A transfer on its way cannot be called back by the gateway: nothing to close.</summary>
    public Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = "NOT_SUPPORTED", NativeMessage = "a SWIFT transfer cannot be recalled by the gateway" });

    public Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken) => NoRefunds();

    public Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken) => NoRefunds();

    /// <summary>The bank does not call back for SWIFT transfers: the gateway follows them by UETR.</summary>
    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body) =>
        throw new NotificationRejectedException("the SWIFT channel takes no notifications");

    public NotificationReply NotificationReply(bool accepted) => new(accepted ? 200 : 400, "text/plain", accepted ? "ok" : "fail");

    private static Task<ChannelResult> NoRefunds() =>
        Task.FromResult(new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = "NOT_SUPPORTED", NativeMessage = "refunds of SWIFT transfers are not supported" });

    private static ChannelResult Refused(IReadOnlyList<Mt103Violation> violations) => new()
    {
        Outcome = ChannelOutcome.Declined,
        Error = ErrorCatalogue.SwiftFormat,
        NativeCode = violations[0].NetworkCode,
        NativeMessage = string.Join("; ", violations),
    };

    /// <summary>Field 70: the order number, and the description when it is all character set X (else it is left out, never altered).</summary>
    private static IReadOnlyList<string> RemittanceFor(ChannelPaymentRequest request)
    {
        var lines = new List<string> { "/RFB/" + request.Reference };
        var description = request.Description.Trim();
        if (SwiftSyntax.FirstOutsideX(description) is null)
        {
            lines.AddRange(description.Chunk(Mt103Rules.MaxLineLength).Take(Mt103Rules.MaxLines - 1).Select(c => new string(c)).Where(l => l.Trim().Length > 0));
        }
        return lines;
    }

    private async Task<(ChannelHttpResponse? Response, ChannelResult? Failure)> CallAsync(HttpMethod method, string path, string? body, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _options.BaseUrl.TrimEnd('/') + path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _options.ApiKey);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.ASCII, "text/plain");
        }
        return await BankInterface.SendAsync(httpClients.CreateClient(HttpClientName), request, TimeSpan.FromSeconds(_options.TimeoutSeconds), _options.SigningSecret,
            _options.MaxClockSkewSeconds, clock, logger, $"SWIFT {operation}", cancellationToken);
    }

    [GeneratedRegex(@"\{4:\{177:\d{10}\}\{451:(?<result>[01])\}(\{405:(?<error>[A-Z0-9]{3,6})\})?")]
    private static partial Regex ServiceMessage();
}
