namespace Paygate.Gateway.Payments;

/// <summary>
/// Wakes watchers of a payment as soon as this process commits a change to it, and (on a shared store) as soon as the store
/// says another instance did. Watchers also poll the store, so a change whose word was lost reaches them a moment later.
/// </summary>
public sealed class PaymentSignals(IEnumerable<IPaymentObserver> observers)
{
    private readonly IPaymentObserver[] _observers = [.. observers];

    public PaymentSignals()
        : this([])
    {
    }

    private readonly Lock _sync = new();
    private readonly Dictionary<string, List<TaskCompletionSource>> _waiters = new(StringComparer.Ordinal);

    /// <summary>
    /// A task that completes at the next change of <paramref name="paymentId"/>. A watcher that stops waiting cancels
    /// <paramref name="cancellationToken"/>, which takes its waiter away (a payment that never changes again must not keep it).
    /// </summary>
    public Task NextChangeAsync(string paymentId, CancellationToken cancellationToken = default)
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
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Forget(paymentId, waiter));
            waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return waiter.Task;
    }

    /// <summary>How many waiters are registered (for tests).</summary>
    internal int WaiterCount
    {
        get
        {
            lock (_sync)
            {
                return _waiters.Values.Sum(l => l.Count);
            }
        }
    }

    private void Forget(string paymentId, TaskCompletionSource waiter)
    {
        lock (_sync)
        {
            if (_waiters.TryGetValue(paymentId, out var list) && list.Remove(waiter) && list.Count == 0)
            {
                _waiters.Remove(paymentId);
            }
        }
        waiter.TrySetCanceled();
    }

    /// <summary>A task that completes at the next change of any payment (event streams and webhook delivery wait on it).</summary>
    public Task NextAnyChangeAsync() => NextChangeAsync(AnyPayment);

    /// <summary>This process saved a change of <paramref name="payment"/>: its watchers wake and the observers are told.</summary>
    public void Saved(Payment payment, PaymentState? before, string eventType)
    {
        Changed(payment.Id);
        foreach (var observer in _observers)
        {
            observer.Saved(payment, before, eventType);
        }
    }

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

    /// <summary>Wakes every watcher: the store said that many payments changed, or its word may have been lost.</summary>
    public void ChangedAll()
    {
        List<List<TaskCompletionSource>> all;
        lock (_sync)
        {
            all = [.. _waiters.Values];
            _waiters.Clear();
        }
        all.ForEach(list => list.ForEach(w => w.TrySetResult()));
    }

    private const string AnyPayment = "*";
}
