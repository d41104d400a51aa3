namespace Paygate.Client.Errors;

/// <summary>
/// The call does not fit the resource's state or an earlier call: a payment not in a state that allows it (PM-6004), a refund above
/// what is left (PM-6012), a request_id used with other parameters (PM-6002), no channel able to take the payment (PM-6009).
/// </summary>
public sealed class ConflictException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException);
