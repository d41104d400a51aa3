namespace Paygate.Gateway.Payments;

/// <summary>
/// The store's database is down, unreachable or read-only. A write that met it saved nothing, or, when the connection was cut
/// at the commit, may have saved it: the caller repeats the operation the idempotent way (the same request_id).
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
