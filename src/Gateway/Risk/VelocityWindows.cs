using System.Collections.Concurrent;

namespace Paygate.Gateway.Risk;

/// <summary>
/// What the velocity rules count, per key (a customer, a device, a card fingerprint), in memory: the payment methods of the
/// last day's payments, the UTC day's count and amounts per currency, and the declines in a row. Each key has its own lock, so
/// payments of different customers never wait for each other. Memory is bounded: past <c>maxKeys</c> keys, the least recently
/// seen are dropped (their counts start again, which errs towards allowing a payment, never towards refusing one).
/// </summary>
public sealed class VelocityWindows(int maxKeys)
{
    /// <summary>The longest a payment is remembered for: the widest window a rule may ask for.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    /// <summary>The most payments remembered per key for the methods window; a payer with more in a day has shown enough.</summary>
    private const int MaxRecent = 64;

    private readonly ConcurrentDictionary<string, KeyState> _states = new(StringComparer.Ordinal);
    private int _count;
    private int _sweeping;

    /// <summary>How many keys are held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A payment was made: its method, and its amount towards the day's totals.</summary>
    public void RecordPayment(string key, DateTimeOffset time, string method, string currency, long amountMinor)
    {
        var state = GetOrAdd(key, time);
        lock (state)
        {
            state.AddMethod(time, method);
            state.RollDay(time);
            state.DayCount++;
            state.DayAmounts[currency] = state.DayAmounts.GetValueOrDefault(currency) + amountMinor;
        }
    }

    /// <summary>Another attempt of a payment already counted (a payment paid again): its method only.</summary>
    public void RecordMethod(string key, DateTimeOffset time, string method)
    {
        var state = GetOrAdd(key, time);
        lock (state)
        {
            state.AddMethod(time, method);
        }
    }

    /// <summary>A payment was declined (or refused by risk control): one more in a row.</summary>
    public void RecordDecline(string key, DateTimeOffset time)
    {
        var state = GetOrAdd(key, time);
        lock (state)
        {
            state.DeclinesInRow++;
        }
    }

    /// <summary>A payment succeeded: the declines in a row start again.</summary>
    public void RecordSuccess(string key, DateTimeOffset time)
    {
        if (_states.TryGetValue(key, out var state))
        {
            lock (state)
            {
                state.DeclinesInRow = 0;
                state.LastSeen = time.UtcTicks;
            }
        }
    }

    /// <summary>
    /// The distinct methods used within <paramref name="window"/> before <paramref name="now"/>, counting <paramref name="method"/>
    /// too (the payment being decided), sorted.
    /// </summary>
    public IReadOnlyList<string> MethodsWithin(string key, DateTimeOffset now, TimeSpan window, string method)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal) { method };
        if (_states.TryGetValue(key, out var state))
        {
            var since = (now - window).UtcTicks;
            lock (state)
            {
                foreach (var (ticks, used) in state.Recent)
                {
                    if (ticks > since)
                    {
                        methods.Add(used);
                    }
                }
            }
        }
        return [.. methods];
    }

    /// <summary>The payments and the amount in <paramref name="currency"/> counted on <paramref name="now"/>'s UTC day.</summary>
    public (long Count, long AmountMinor) Today(string key, DateTimeOffset now, string currency)
    {
        if (!_states.TryGetValue(key, out var state))
        {
            return (0, 0);
        }
        lock (state)
        {
            return state.Day == DayOf(now) ? (state.DayCount, state.DayAmounts.GetValueOrDefault(currency)) : (0, 0);
        }
    }

    /// <summary>The declines in a row.</summary>
    public int DeclinesInRow(string key)
    {
        if (!_states.TryGetValue(key, out var state))
        {
            return 0;
        }
        lock (state)
        {
            return state.DeclinesInRow;
        }
    }

    private static long DayOf(DateTimeOffset time) => time.UtcTicks / TimeSpan.TicksPerDay;

    private KeyState GetOrAdd(string key, DateTimeOffset time)
    {
        if (_states.TryGetValue(key, out var state))
        {
            return state;
        }
        var fresh = new KeyState { LastSeen = time.UtcTicks, Day = DayOf(time) };
        if (_states.TryAdd(key, fresh))
        {
            if (Interlocked.Increment(ref _count) > maxKeys)
            {
                Sweep(time);
            }
            return fresh;
        }
        return _states[key];
    }

    /// <summary>
    /// Drops the keys not seen within the horizon, then (if still over the bound) the least recently seen down to 90% of it. One
    /// thread sweeps at a time; the others go on (the bound is overshot by at most the payments that arrive meanwhile).
    /// </summary>
    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }
        try
        {
            var horizon = (now - Horizon).UtcTicks;
            foreach (var (key, state) in _states)
            {
                if (Volatile.Read(ref state.LastSeen) < horizon && _states.TryRemove(key, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
            var excess = Count - maxKeys * 9 / 10;
            if (excess > 0)
            {
                foreach (var (key, _) in _states.ToArray().OrderBy(p => Volatile.Read(ref p.Value.LastSeen)).Take(excess))
                {
                    if (_states.TryRemove(key, out _))
                    {
                        Interlocked.Decrement(ref _count);
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class KeyState
    {
        public readonly Queue<(long Ticks, string Method)> Recent = new();
        public readonly Dictionary<string, long> DayAmounts = new(StringComparer.Ordinal);
        public long LastSeen;
        public long Day;
        public long DayCount;
        public int DeclinesInRow;

        public void AddMethod(DateTimeOffset time, string method)
        {
            var ticks = time.UtcTicks;
            Recent.Enqueue((ticks, method));
            var horizon = ticks - Horizon.Ticks;
            while (Recent.Count > MaxRecent || Recent.Peek().Ticks < horizon)
            {
                Recent.Dequeue();
            }
            LastSeen = Math.Max(LastSeen, ticks);
        }

        public void RollDay(DateTimeOffset time)
        {
            var day = DayOf(time);
            if (day > Day)
            {
                Day = day;
                DayCount = 0;
                DayAmounts.Clear();
            }
        }
    }
}
