namespace Paygate.Client.Errors;

/// <summary>The request is invalid (INVALID_ARGUMENT, e.g. PM-6001 or PM-5001, or too large, PM-6008): <see cref="PaygateException.FieldViolations"/> names the fields.</summary>
public sealed class InvalidRequestException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException);
