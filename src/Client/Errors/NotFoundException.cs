namespace Paygate.Client.Errors;

/// <summary>No payment, refund or webhook endpoint of this merchant has that id (NOT_FOUND: PM-6003, PM-6013, PM-6014).</summary>
public sealed class NotFoundException(PaygateError error, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException);
