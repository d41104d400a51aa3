using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Worker leases in the SQLite file (schema v10): the same contract as the shared store's, with one process holding them all.</summary>
public sealed class SqliteWorkerLeases(SqliteDatabase database, TimeProvider clock) : IWorkerLeases
{
    public string Holder { get; } = InstanceName.New();

    public Task<bool> TryHoldAsync(string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return database.WriteAsync((connection, tx) => Execute(connection, tx, """
            INSERT INTO worker_leases (name, holder, until) VALUES ($name, $holder, $until)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
            WHERE worker_leases.holder = excluded.holder OR worker_leases.until < $now
            """, ("$name", worker), ("$holder", Holder), ("$until", (now + lease).ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())) == 1);
    }
}

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
