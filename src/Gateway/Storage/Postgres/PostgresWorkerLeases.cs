using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Worker leases in the shared database: one row per worker, taken over only once it lapsed.</summary>
public sealed class PostgresWorkerLeases(PostgresDatabase database, TimeProvider clock) : IWorkerLeases
{
    public string Holder { get; } = InstanceName.New();

    public Task<bool> TryHoldAsync(string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return database.WriteAsync(async (connection, tx) => await ExecuteAsync(connection, tx, """
            INSERT INTO worker_leases (name, holder, until) VALUES (@name, @holder, @until)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
            WHERE worker_leases.holder = excluded.holder OR worker_leases.until < @now
            """, cancellationToken, ("name", worker), ("holder", Holder), ("until", (now + lease).ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds())) == 1,
            cancellationToken);
    }
}

/// <summary>
/// Session advisory locks of the shared database, each on a connection of its own held for as long as the lock (unpooled: a
/// lock its holder failed to release ends with the connection, and an instance that dies releases its locks with it).
/// </summary>
public sealed class PostgresSharedLocks(PostgresDatabase database) : ISharedLocks
{
    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await database.OpenUnpooledAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(hashtextextended(@key, 0))", cancellationToken, ("key", key));
            return new Held(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(Npgsql.NpgsqlConnection connection, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(hashtextextended(@key, 0))", CancellationToken.None, ("key", key));
            }
            finally
            {
                // Closing the connection releases the lock too, if unlocking failed.
                await connection.DisposeAsync();
            }
        }
    }
}
