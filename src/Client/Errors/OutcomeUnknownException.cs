namespace Paygate.Client.Errors;

/// <summary>
/// Whether the call took effect is not known yet (PM-2xxx: a channel that did not answer in time; PM-4503; DEADLINE_EXCEEDED).
/// Look the payment up before doing anything else; repeating the call with <see cref="PaygateException.RequestId"/> is safe.
/// </summary>
public sealed class OutcomeUnknownException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException);
