namespace Paygate.Client.Errors;

/// <summary>
/// The gateway or a channel could not take the call now (UNAVAILABLE: PM-4002, PM-4502, or no connection). Thrown once the client's
/// own retries are spent or the wait the gateway asked for is longer than the client may wait.
/// </summary>
public class ServiceUnavailableException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException);
