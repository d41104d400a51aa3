using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Worker leases in the shared database: one row per worker, taken over only once it lapsed. Times are the database's
/// (<c>clock_timestamp()</c>), so instances whose clocks differ still agree on when a lease lapses.
/// </summary>
public sealed class PostgresWorkerLeases(PostgresDatabase database) : IWorkerLeases
{
    private const string Now = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    public string Holder { get; } = InstanceName.New();

    public Task<bool> TryHoldAsync(string worker, TimeSpan lease, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) => await ExecuteAsync(connection, tx, $"""
            INSERT INTO worker_leases (name, holder, until) VALUES (@name, @holder, {Now} + @lease)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
            WHERE worker_leases.holder = excluded.holder OR worker_leases.until < {Now}
            """, cancellationToken, ("name", worker), ("holder", Holder), ("lease", (long)lease.TotalMilliseconds)) == 1,
            cancellationToken);

    public Task ReleaseAsync(string worker, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx, "DELETE FROM worker_leases WHERE name = @name AND holder = @holder", cancellationToken,
            ("name", worker), ("holder", Holder)), cancellationToken);
}
