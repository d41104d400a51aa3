using System.Globalization;
using Grpc.Core;
using Paygate.Client.Errors;

namespace Paygate.Cli.Failures;

/// <summary>
/// Turns whatever a command met into ONE line for stderr, <c>paygate: PM-NNNN what happened: what to do</c>, and the exit code of
/// its family (<see cref="ExitCodes"/>). The key is never part of it (the client keeps it out of its messages, and so does this).
/// </summary>
/// <param name="Line">The message, without a line break.</param>
/// <param name="ExitCode">The family's exit code.</param>
public sealed record FailureReport(string Line, int ExitCode)
{
    /// <summary>The report of <paramref name="failure"/>; <paramref name="address"/> is the gateway address as given, to name when it cannot be reached.</summary>
    public static FailureReport For(Exception failure, string? address) => failure switch
    {
        UsageException usage => new(Prefix + OneLine(usage.Message), ExitCodes.Usage),
        OperationCanceledException => new(Prefix + "interrupted", ExitCodes.Interrupted),
        PaygateException { Code: "" } transport when transport.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown =>
            new(Prefix + $"cannot reach the gateway at {GatewayAddress.Describe(address)} ({Transport(transport)}): start it, or check --address (or PAYGATE_ADDRESS)",
                ExitCodes.Unavailable),
        AuthenticationException e => Gateway(e, ExitCodes.Authentication,
            "check --key / PAYGATE_API_KEY (a merchant's sk_... key) or --operator-key / PAYGATE_OPERATOR_KEY (an operator's ok_... key) for channels, errors and report health"),
        NotFoundException e => Gateway(e, ExitCodes.NotFound, "check the id (a merchant sees only its own payments): paygate payments list"),
        InvalidRequestException e => Gateway(e, ExitCodes.Usage, e.FieldViolations.Count > 0
            ? "fix " + string.Join(", ", e.FieldViolations.Select(v => OptionFor(v.Field)).Distinct()) + " and try again"
            : "fix the request and try again"),
        PaymentDeclinedException e => Gateway(e, ExitCodes.PaymentFailed, "the payer's side said no: ask the payer for another payment method"),
        PaymentFailedException e => Gateway(e, ExitCodes.PaymentFailed, e.Payment is { } p
            ? $"no channel took it: see paygate payments get {p.Id}, and try again later with a new payment"
            : "no channel took it: try again later with a new payment"),
        OutcomeUnknownException e => Gateway(e, ExitCodes.OutcomeUnknown, e.RequestId is { Length: > 0 } id
            ? $"do not pay again: watch the payment, or repeat the same command with --request-id {id}"
            : "do not pay again: watch the payment (paygate payments watch <id>) until it is final"),
        ConflictException e => Gateway(e, ExitCodes.Conflict, "the payment's state does not allow it: see paygate payments get <id>"),
        RateLimitedException e => Gateway(e, ExitCodes.RateLimited, RetryAdvice(e, "wait a little and try again")),
        ServiceUnavailableException e => Gateway(e, ExitCodes.Unavailable, RetryAdvice(e, "try again later")),
        PaygateException e => Gateway(e, ExitCodes.Internal, RetryAdvice(e, "the gateway failed: try again, and tell its operator if it lasts")),
        _ => new(Prefix + $"unexpected {failure.GetType().Name}: {OneLine(failure.Message)}", ExitCodes.Internal),
    };

    /// <summary>The start of every line, so that a message on stderr names its program.</summary>
    public const string Prefix = "paygate: ";

    /// <summary><paramref name="text"/> on one line, without a final full stop (a colon and the advice follow).</summary>
    public static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd();
        return line.EndsWith('.') && !line.EndsWith("...", StringComparison.Ordinal) ? line[..^1] : line;
    }

    private static FailureReport Gateway(PaygateException e, int exitCode, string advice)
    {
        var code = e.Code.Length > 0 ? e.Code + " " : "";
        var fields = e.FieldViolations.All(v => e.Error.Message.Contains(v.Description, StringComparison.Ordinal)) ? "" : " (" + string.Join("; ", e.FieldViolations.Select(v => $"{v.Field}: {OneLine(v.Description)}")) + ")";
        return new(Prefix + code + OneLine(e.Error.Message) + fields + ": " + advice, exitCode);
    }

    private static string RetryAdvice(PaygateException e, string otherwise) => e.RetryAfter is { } after
        ? "retry after " + Math.Max(1, Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + " s"
        + (e.RequestId is { Length: > 0 } id ? $" with --request-id {id}" : "")
        : otherwise;

    private static string Transport(PaygateException e)
    {
        var detail = e.Error.Message;
        // The transport's detail reads "Error starting gRPC call. HttpRequestException: Connection refused (127.0.0.1:1)": keep the cause.
        var cause = detail.LastIndexOf("Exception: ", StringComparison.Ordinal);
        return OneLine(cause >= 0 ? detail[(cause + "Exception: ".Length)..] : detail);
    }

    /// <summary>The command-line option for a request field the gateway named, when there is one.</summary>
    private static string OptionFor(string field) => field switch
    {
        "amount_minor" => "--amount",
        "currency" => "--currency",
        "description" => "--description",
        "request_id" => "--request-id",
        "page_size" => "--limit",
        "page_token" => "--page-token",
        "reason" => "--reason",
        "expire_time" => "--expires",
        "customer.country" => "--country",
        "customer.device" => "--device",
        "customer.type" => "--customer-type",
        "payment_method.channel" => "--channel",
        "id" => "the id",
        "after_cursor" => "--after",
        _ when field.StartsWith("metadata", StringComparison.Ordinal) => "--metadata",
        _ when field.StartsWith("payment_method.card", StringComparison.Ordinal) => "--card/--expiry/--cvc",
        _ => field,
    };
}
