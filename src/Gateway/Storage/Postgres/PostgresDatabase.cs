using Microsoft.Extensions.Options;
using Npgsql;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// The shared PostgreSQL database and the plumbing every PostgreSQL store uses: pooled connections (statements auto-prepared),
/// the versioned schema migrated under an advisory lock (instances starting together migrate once), one transaction per
/// unit of work, and failures of the database itself turned into <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>Advisory lock keys (one 64-bit space per database); each names what it serialises.</summary>
    internal const long MigrationLock = 0x7061_7967_6174_0001;

    internal const long RelayLock = 0x7061_7967_6174_0002;

    private const string UniqueViolation = "23505";

    public PostgresDatabase(IOptions<PostgresStoreOptions> options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // The gateway runs the same few dozen statements all day: parse and plan each once per connection.
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        builder.ApplicationName ??= "paygate";
        // An instance that stops answering (paused, cut off) must not hold rows or locks for long: TCP keepalives find a
        // dead peer, and the server ends a transaction left idle.
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = 10;
        }
        builder.Options ??= "-c idle_in_transaction_session_timeout=30000";
        // The pooled connections keep no session state (no LISTEN, no session lock, no SET: those get connections of their
        // own, below), so a connection going back to the pool needs no reset: that would be seven statements a checkout.
        builder.NoResetOnClose = true;
        DataSource = NpgsqlDataSource.Create(builder);
        var own = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false, NoResetOnClose = false, MaxAutoPrepare = 0 };
        UnpooledConnectionString = own.ConnectionString;
    }

    /// <summary>
    /// For a connection that holds session state (the notification listener's LISTEN, a session advisory lock): never pooled,
    /// so that the state ends with it.
    /// </summary>
    internal string UnpooledConnectionString { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Creates or upgrades the schema: each migration once, in its own transaction, while holding an advisory lock, so that
    /// of several instances starting together one migrates and the others find it done. A database whose schema is newer
    /// than this gateway knows is refused (an older gateway must not write to it).
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // A session lock: on a connection of its own, which takes the lock with it if this process dies migrating.
        await using var connection = await OpenUnpooledAsync(cancellationToken);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@k)", cancellationToken, ("k", MigrationLock));
        try
        {
            // Looked up rather than CREATE ... IF NOT EXISTS, which a read-only database refuses even when the table is there.
            if (await ScalarAsync(connection, null, "SELECT to_regclass('schema_migrations') IS NULL", cancellationToken) is true)
            {
                await ExecuteAsync(connection, null, "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_time bigint NOT NULL)", cancellationToken);
            }
            var applied = (await QueryAsync(connection, null, "SELECT version FROM schema_migrations", r => r.GetInt32(0), cancellationToken)).ToHashSet();
            var known = PostgresSchema.Migrations[^1].Version;
            if (applied.Count > 0 && applied.Max() > known)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL database is at schema version {applied.Max()}, newer than this gateway knows ({known}): a newer gateway migrated it. "
                    + "Run that version (or newer); an older gateway must not write to it.");
            }
            foreach (var (version, sql) in PostgresSchema.Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, tx, sql, cancellationToken);
                await ExecuteAsync(connection, tx, "INSERT INTO schema_migrations (version, applied_time) VALUES (@v, @t)", cancellationToken,
                    ("v", version), ("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                await tx.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@k)", CancellationToken.None, ("k", MigrationLock));
        }
    }

    /// <summary>A connection from the pool; the database being unreachable is <see cref="StoreUnavailableException"/>.</summary>
    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new StoreUnavailableException("the PostgreSQL database cannot be reached", ex);
        }
    }

    /// <summary>An unpooled connection of its own (<see cref="UnpooledConnectionString"/>); unreachable is <see cref="StoreUnavailableException"/>.</summary>
    internal async Task<NpgsqlConnection> OpenUnpooledAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(UnpooledConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            await connection.DisposeAsync();
            throw new StoreUnavailableException("the PostgreSQL database cannot be reached", ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. Not retried: a connection lost around the commit leaves
    /// the outcome unknown, so the caller hears <see cref="StoreUnavailableException"/> and repeats the operation the way it
    /// is idempotent (the same request_id; a worker at its next tick). With <paramref name="commitsItself"/>, the work sends its
    /// own <c>COMMIT</c> at the end of its last batch (saving a round trip), or returns having saved nothing.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken, bool commitsItself = false)
    {
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, tx);
            // A unit that commits in its own last round trip (the payment writes) leaves nothing to commit; one that saved
            // nothing leaves nothing either (the dispose rolls it back).
            if (!commitsItself)
            {
                await tx.CommitAsync(cancellationToken);
            }
            Observability.StoreMetrics.PostgresCommitted(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new StoreUnavailableException("the PostgreSQL database failed during a write; whether it was saved is unknown", ex);
        }
    }

    public Task WriteAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken, bool commitsItself = false) =>
        WriteAsync<bool>(async (connection, tx) =>
        {
            await work(connection, tx);
            return true;
        }, cancellationToken, commitsItself);

    /// <summary>Runs <paramref name="read"/> on a pooled connection; a read is idempotent, so a lost connection is tried once more.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
                return await read(connection);
            }
            catch (Exception ex) when (IsOutage(ex) && attempt == 1 && ex is NpgsqlException { IsTransient: true })
            {
                // A pooled connection the server closed (a restart, a failover): the pool gives a fresh one.
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                throw new StoreUnavailableException("the PostgreSQL database cannot be read", ex);
            }
        }
    }

    /// <summary>
    /// The database is down, unreachable, read-only, shutting down or out of resources (as opposed to a statement the
    /// gateway got wrong, which stays an internal error).
    /// </summary>
    private static bool IsOutage(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
            || pg.SqlState.StartsWith("57", StringComparison.Ordinal) // operator intervention: shutdown, cannot connect now
            || pg.SqlState == "25006" // read-only transaction (a standby, default_transaction_read_only)
            || pg.SqlState == "40001" || pg.SqlState == "40P01", // serialization failure, deadlock: nothing was saved
        NpgsqlException => true, // I/O, timeout, pool exhausted
        TimeoutException => true,
        _ => false,
    };

    internal static bool IsUniqueViolation(Exception ex, string constraint) =>
        ex is PostgresException { SqlState: UniqueViolation } pg && pg.ConstraintName == constraint;

    internal static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter(name, DBNull.Value) : new NpgsqlParameter(name, value));
        }
        return command;
    }

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>Reads every row of <paramref name="sql"/> with <paramref name="row"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Func<NpgsqlDataReader, T> row,
        CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(row(reader));
        }
        return list;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
