using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Locks of the one process that owns the SQLite file.</summary>
public sealed class ProcessLocks(KeyedLock locks) : ISharedLocks
{
    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken) =>
        new Held(await locks.AcquireAsync(key, cancellationToken));

    private sealed class Held(IDisposable held) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            held.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
