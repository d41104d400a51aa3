using Paygate.Adapters.Errors;

namespace Paygate.Gateway.Payments;

/// <summary>A refusal the API reports with a unified code; the error interceptor turns it into a rich gRPC status.</summary>
public sealed class PaymentException(ErrorCode code, string message, IReadOnlyList<FieldViolation>? violations = null, IReadOnlyDictionary<string, string>? metadata = null,
    TimeSpan? retryAfter = null)
    : Exception(message)
{
    /// <summary>When a retry may succeed, if the refusal knows (a rate limit's next token); else the code's usual delay.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public ErrorCode Code { get; } = code;
    public IReadOnlyList<FieldViolation> Violations { get; } = violations ?? [];
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata ?? new Dictionary<string, string>();

    public static PaymentException InvalidField(string field, string reason) =>
        new(ErrorCatalogue.InvalidArgument, $"{field}: {reason}", [new FieldViolation(field, reason)]);
}

/// <summary>One invalid request field and why.</summary>
/// <param name="Field">The field path, e.g. <c>amount_minor</c>.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record FieldViolation(string Field, string Reason);
