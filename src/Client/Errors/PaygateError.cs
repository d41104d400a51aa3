using Grpc.Core;

namespace Paygate.Client.Errors;

/// <summary>
/// What the gateway said went wrong: its <c>google.rpc.Status</c> read into plain values (the <c>ErrorInfo</c>'s reason, domain and
/// metadata, the <c>BadRequest</c>'s field violations, the <c>RetryInfo</c>'s delay).
/// </summary>
/// <param name="Status">The gRPC status code.</param>
/// <param name="Code">The unified error code, <c>PM-NNNN</c>; empty when the failure did not come from the gateway (e.g. no connection).</param>
/// <param name="Message">The gateway's message (or the transport's).</param>
/// <param name="Domain">The <c>ErrorInfo</c> domain, <c>paygate</c> for the gateway's own errors.</param>
/// <param name="Metadata">The <c>ErrorInfo</c> metadata, e.g. <c>channel</c> and <c>native_code</c>.</param>
/// <param name="FieldViolations">The invalid fields, for INVALID_ARGUMENT.</param>
/// <param name="RetryAfter">The <c>RetryInfo</c> delay: present only when the gateway says trying again (with the same request_id) may help.</param>
public sealed record PaygateError(
    StatusCode Status,
    string Code,
    string Message,
    string Domain,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<FieldViolation> FieldViolations,
    TimeSpan? RetryAfter)
{
    /// <summary>The family of a <c>PM-NNNN</c> code (1 payer, 2 unknown outcome, 3 risk, 4 channel/gateway, 5 format, 6 request), or 0.</summary>
    public int Family => Code.Length == 7 && Code.StartsWith("PM-", StringComparison.Ordinal) && char.IsAsciiDigit(Code[3]) ? Code[3] - '0' : 0;
}
