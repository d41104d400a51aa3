namespace Paygate.Gateway.Payments;

/// <summary>
/// Wakes watchers of a payment as soon as this process commits a change to it. Watchers also poll the store,
/// so changes committed by another gateway instance reach them too, a moment later.
/// </summary>
public sealed class PaymentSignals
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, List<TaskCompletionSource>> _waiters = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next change of <paramref name="paymentId"/>.</summary>
    public Task NextChangeAsync(string paymentId)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            if (!_waiters.TryGetValue(paymentId, out var list))
            {
                _waiters[paymentId] = list = [];
            }
            list.Add(waiter);
        }
        return waiter.Task;
    }

    /// <summary>A task that completes at the next change of any payment (event streams and webhook delivery wait on it).</summary>
    public Task NextAnyChangeAsync() => NextChangeAsync(AnyPayment);

    public void Changed(string paymentId)
    {
        List<TaskCompletionSource>? list;
        List<TaskCompletionSource>? any;
        lock (_sync)
        {
            _waiters.Remove(paymentId, out list);
            _waiters.Remove(AnyPayment, out any);
        }
        list?.ForEach(w => w.TrySetResult());
        any?.ForEach(w => w.TrySetResult());
    }

    private const string AnyPayment = "*";
}
