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

    public void Changed(string paymentId)
    {
        List<TaskCompletionSource>? list;
        lock (_sync)
        {
            _waiters.Remove(paymentId, out list);
        }
        list?.ForEach(w => w.TrySetResult());
    }
}
