using Google.Rpc;
using Grpc.Core;
using Paygate.V1;

namespace Paygate.Client.Errors;

/// <summary>Reads a failed call's <c>google.rpc.Status</c> and picks the exception of its family (docs/error-codes.md).</summary>
internal static class PaygateErrors
{
    /// <summary>What the gateway said in <paramref name="exception"/>'s status details (or only the status, when it sent none).</summary>
    public static PaygateError Read(RpcException exception)
    {
        var status = exception.GetRpcStatus();
        var info = status?.GetDetail<ErrorInfo>();
        var badRequest = status?.GetDetail<BadRequest>();
        var retry = status?.GetDetail<RetryInfo>();
        return new PaygateError(
            exception.StatusCode,
            info?.Reason ?? "",
            status?.Message ?? exception.Status.Detail,
            info?.Domain ?? "",
            info is null ? new Dictionary<string, string>() : new Dictionary<string, string>(info.Metadata),
            badRequest?.FieldViolations.Select(v => new FieldViolation(v.Field, v.Description)).ToList() ?? [],
            retry?.RetryDelay is { } delay ? Max(delay.ToTimeSpan(), TimeSpan.Zero) : null);
    }

    /// <summary>The typed exception for a failed call that carried <paramref name="requestId"/>.</summary>
    public static PaygateException ToException(RpcException exception, string? requestId) => ToException(Read(exception), requestId, exception);

    public static PaygateException ToException(PaygateError error, string? requestId, Exception? inner) => error switch
    {
        { Status: StatusCode.Unauthenticated } or { Status: StatusCode.PermissionDenied, Family: not 3 } => new AuthenticationException(error, requestId, inner),
        { Family: 1 or 3 } => new PaymentDeclinedException(error, null, requestId, inner),
        { Status: StatusCode.InvalidArgument or StatusCode.OutOfRange } or { Code: "PM-6008" } => new InvalidRequestException(error, requestId, inner),
        { Status: StatusCode.NotFound } => new NotFoundException(error, requestId, inner),
        { Family: 2 } or { Code: "PM-4503" or "PM-4004" } or { Status: StatusCode.DeadlineExceeded } => new OutcomeUnknownException(error, requestId, inner),
        { Status: StatusCode.AlreadyExists or StatusCode.FailedPrecondition or StatusCode.Aborted } => new ConflictException(error, requestId, inner),
        { Status: StatusCode.ResourceExhausted } => new RateLimitedException(error, requestId, inner),
        { Status: StatusCode.Unavailable } => new ServiceUnavailableException(error, requestId, inner),
        _ => new PaygateException(error, requestId, inner),
    };

    /// <summary>
    /// The exception for a payment the gateway returned FAILED (the call itself succeeded, so its status is OK): a decline for payer
    /// and risk codes, a plain failure otherwise (e.g. every channel down).
    /// </summary>
    public static PaymentFailedException FailedPayment(Payment payment, string? requestId)
    {
        var metadata = new Dictionary<string, string> { ["payment_id"] = payment.Id };
        if (payment.Error is { } e)
        {
            if (e.Channel.Length > 0)
            {
                metadata["channel"] = e.Channel;
            }
            if (e.NativeCode.Length > 0)
            {
                metadata["native_code"] = e.NativeCode;
            }
        }
        var error = new PaygateError(StatusCode.OK, payment.Error?.Code ?? "", payment.Error?.Message is { Length: > 0 } m ? m : "the payment failed",
            "paygate", metadata, [], null);
        return error.Family is 1 or 3 ? new PaymentDeclinedException(error, payment, requestId) : new PaymentFailedException(error, payment, requestId);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
