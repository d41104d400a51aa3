namespace Paygate.Client.Errors;

/// <summary>The API key was refused (UNAUTHENTICATED, PM-6016) or does not allow the call (PERMISSION_DENIED, PM-6017).</summary>
public sealed class AuthenticationException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException);
