using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Storage;

/// <summary>
/// The embedded database file and the plumbing every SQLite store shares: connections in WAL mode with
/// synchronous=FULL (a committed change survives a crash), the versioned schema, and parameterised commands.
/// </summary>
public sealed class SqliteDatabase
{
    public const int ConstraintError = 19;
    private readonly string _connectionString;

    public SqliteDatabase(IOptions<SqliteStoreOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.Path);
        OwnerOnly.PrepareDatabase(Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>Creates or upgrades the schema; each migration runs once, in its own transaction.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_time INTEGER NOT NULL);", cancellationToken);
        foreach (var (version, sql) in SqliteSchema.Migrations)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var applied = await ScalarAsync(connection, tx, "SELECT COUNT(*) FROM schema_migrations WHERE version = $v", cancellationToken, ("$v", version));
            if (Convert.ToInt64(applied) == 0)
            {
                await ExecuteAsync(connection, tx, sql, cancellationToken);
                await ExecuteAsync(connection, tx, "INSERT INTO schema_migrations (version, applied_time) VALUES ($v, $t)", cancellationToken,
                    ("$v", version), ("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
            await tx.CommitAsync(cancellationToken);
        }
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per connection: FULL makes every commit durable in WAL mode; foreign keys are off by default.
        await ExecuteAsync(connection, null, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", cancellationToken);
        return connection;
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
