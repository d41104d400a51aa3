namespace Paygate.Client.Errors;

/// <summary>Too many calls (RESOURCE_EXHAUSTED: the merchant's rate limit PM-6018, the gateway's load limit PM-4501, a channel's PM-4001); nothing was done.</summary>
public sealed class RateLimitedException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : ServiceUnavailableException(error, requestId, innerException);
