using Grpc.Core;

namespace Paygate.Client.Errors;

/// <summary>
/// A call the gateway refused or that failed. Its subclasses name the family (see docs/error-codes.md); this class itself is
/// thrown for what fits none (an internal error of the gateway, PM-4500).
/// </summary>
public class PaygateException : Exception
{
    /// <summary>An exception for <paramref name="error"/>, from the call's <paramref name="requestId"/> if it had one.</summary>
    public PaygateException(PaygateError error, string? requestId = null, Exception? innerException = null)
        : base(Describe(error), innerException)
    {
        Error = error;
        RequestId = requestId;
    }

    /// <summary>Everything the gateway said about the failure.</summary>
    public PaygateError Error { get; }

    /// <summary>The unified code, <c>PM-NNNN</c> (empty when the failure did not come from the gateway).</summary>
    public string Code => Error.Code;

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode => Error.Status;

    /// <summary>The <c>ErrorInfo</c> metadata, e.g. <c>channel</c> and <c>native_code</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Error.Metadata;

    /// <summary>The invalid fields, when the request had any.</summary>
    public IReadOnlyList<FieldViolation> FieldViolations => Error.FieldViolations;

    /// <summary>When the gateway says trying again may help: how long to wait first. Null means do not simply repeat the call.</summary>
    public TimeSpan? RetryAfter => Error.RetryAfter;

    /// <summary>
    /// The <c>request_id</c> the call carried (the caller's or the client's own). Repeating the call later with this id is safe:
    /// the gateway does a request_id's work at most once.
    /// </summary>
    public string? RequestId { get; }

    private static string Describe(PaygateError error)
    {
        var code = error.Code.Length > 0 ? $"{error.Code} ({error.Status})" : error.Status.ToString();
        var fields = error.FieldViolations.Count == 0 ? "" : " [" + string.Join("; ", error.FieldViolations.Select(v => $"{v.Field}: {v.Description}")) + "]";
        return $"{code}: {error.Message}{fields}";
    }
}
