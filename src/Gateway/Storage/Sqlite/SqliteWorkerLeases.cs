using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// Worker leases in the SQLite file (schema v10). One process owns the file (it holds the lock beside it), so a lease held by
/// another holder can only be a dead process's: this one always takes it, at once after a restart.
/// </summary>
public sealed class SqliteWorkerLeases(SqliteDatabase database, TimeProvider clock) : IWorkerLeases
{
    public string Holder { get; } = InstanceName.New();

    public Task<bool> TryHoldAsync(string worker, TimeSpan lease, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx, """
            INSERT INTO worker_leases (name, holder, until) VALUES ($name, $holder, $until)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
            """, ("$name", worker), ("$holder", Holder), ("$until", (clock.GetUtcNow() + lease).ToUnixTimeMilliseconds())) == 1);

    public Task ReleaseAsync(string worker, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx, "DELETE FROM worker_leases WHERE name = $name AND holder = $holder",
            ("$name", worker), ("$holder", Holder)));
}
