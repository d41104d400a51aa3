using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

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
