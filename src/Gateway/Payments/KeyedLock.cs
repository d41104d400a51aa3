namespace Paygate.Gateway.Payments;

/// <summary>
/// An async lock per key, so concurrent duplicates of one idempotent request run one at a time in this
/// process. Across processes the store's unique key decides; this lock only spares the losers a race.
/// </summary>
public sealed class KeyedLock
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_sync)
        {
            var entry = _gates.TryGetValue(key, out var found) ? found : (new SemaphoreSlim(1, 1), 0);
            _gates[key] = (entry.Item1, entry.Item2 + 1);
            gate = entry.Item1;
        }
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(key, held: false);
            throw;
        }
        return new Releaser(this, key);
    }

    private void Release(string key, bool held)
    {
        lock (_sync)
        {
            var (gate, users) = _gates[key];
            if (held)
            {
                gate.Release();
            }
            if (users == 1)
            {
                _gates.Remove(key);
                gate.Dispose();
            }
            else
            {
                _gates[key] = (gate, users - 1);
            }
        }
    }

    private sealed class Releaser(KeyedLock owner, string key) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner.Release(key, held: true);
            }
        }
    }
}
