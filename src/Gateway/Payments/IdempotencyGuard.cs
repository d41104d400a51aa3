using Paygate.Adapters.Errors;

namespace Paygate.Gateway.Payments;

/// <summary>An operation's <c>request_id</c> and the fingerprint of its parameters; each merchant has its own request ids.</summary>
/// <param name="MerchantId">The merchant whose request it is.</param>
/// <param name="Scope">The operation: <c>create</c>, <c>cancel</c>, <c>retry</c>, <c>refund</c>.</param>
/// <param name="Key">The caller's <c>request_id</c>.</param>
/// <param name="Fingerprint">What makes a repeat the same request (for cancel and retry: the payment it names).</param>
public sealed record IdempotencyKey(string MerchantId, string Scope, string Key, string Fingerprint)
{
    /// <summary>The record to save with the operation's first change, naming the payment it produced or acted on.</summary>
    public IdempotencyRecord RecordFor(string paymentId, DateTimeOffset now) => new(MerchantId, Scope, Key, Fingerprint, paymentId, now);
}

/// <summary>
/// The one idempotency rule of every operation that takes a <c>request_id</c>: the first request runs and saves its key in
/// the same unit of work as its first change; a repeat with the same parameters is answered from what the first did,
/// without a second channel call; the same key with other parameters is refused (PM-6002). Duplicates in this process
/// wait for each other on the key; a duplicate that raced another instance (both found the key free) loses at the
/// store, or on the state the winner left, and is then answered as a repeat.
/// </summary>
public sealed class IdempotencyGuard(IPaymentStore store, KeyedLock locks)
{
    public async Task<T> RunAsync<T>(IdempotencyKey? key, Func<IdempotencyKey?, Task<T>> first, Func<IdempotencyRecord, Task<T>> replay, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return await first(null);
        }
        using (await locks.AcquireAsync($"{key.MerchantId}:{key.Scope}:{key.Key}", cancellationToken))
        {
            var earlier = await store.FindIdempotencyAsync(key.MerchantId, key.Scope, key.Key, cancellationToken);
            if (earlier is null)
            {
                try
                {
                    return await first(key);
                }
                catch (Exception ex) when (ex is IdempotencyKeyTakenException or PaymentException)
                {
                    // Taken meanwhile by a concurrent request (the store refused our key, or the winner's change made ours
                    // illegal): that request's outcome is the answer. Otherwise the failure is this request's own.
                    earlier = await store.FindIdempotencyAsync(key.MerchantId, key.Scope, key.Key, cancellationToken);
                    if (earlier is null)
                    {
                        throw;
                    }
                }
            }
            if (earlier.Fingerprint != key.Fingerprint)
            {
                throw new PaymentException(ErrorCatalogue.RequestIdReused,
                    $"request_id {key.Key} was already used for another {key.Scope} request (payment {earlier.PaymentId})",
                    metadata: new Dictionary<string, string> { ["request_id"] = key.Key, ["payment_id"] = earlier.PaymentId });
            }
            return await replay(earlier);
        }
    }
}
