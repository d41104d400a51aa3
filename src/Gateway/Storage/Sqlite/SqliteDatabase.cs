using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// The embedded database file and the plumbing every SQLite store shares: one writer that commits units of work in
/// groups (WAL, synchronous=FULL: a committed change survives a crash), pooled read-only connections that never wait
/// for it, the versioned schema, and parameterised commands. One gateway process owns the file: a second is refused
/// at start (several instances share a PostgreSQL database instead).
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    public const int ConstraintError = 19;

    /// <summary>Connections whose commands are kept prepared: the writer's, used by one thread only.</summary>
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Prepared = [];
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly FileStream _ownership;
    private SqliteWriter? _writer;

    public SqliteDatabase(IOptions<SqliteStoreOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.Path);
        OwnerOnly.PrepareDatabase(Path);
        _ownership = Own(Path + ".lock");
        _writeConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    /// <summary>The committed rows of recently written payments (one cache per file, as there is one writer per file).</summary>
    internal RecentPayments RecentPayments { get; } = new(capacity: 10_000);

    /// <summary>The evidence chain's last link, kept by the writer (one writer per file).</summary>
    internal SqliteEvidenceChain EvidenceChain { get; } = new();

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>How many commits the writer made and how many units of work they carried (group commit at work).</summary>
    public (long Commits, long Units) WriterStatistics => _writer is { } w ? (w.Commits, w.UnitsCommitted) : (0, 0);

    /// <summary>
    /// Holds a lock on a file beside the database for the process's lifetime (released by the OS if it dies), so that
    /// a second gateway on the same file stops at start instead of writing beside the first.
    /// </summary>
    private static FileStream Own(string lockPath)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly.File;
            }
            return new FileStream(lockPath, options);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"Another gateway process is using the database {System.IO.Path.ChangeExtension(lockPath, null)}. SQLite serves one gateway process; "
                + "run several instances on a shared PostgreSQL database instead (Storage:Provider=Postgres).", ex);
        }
    }

    /// <summary>Creates or upgrades the schema (each migration once, in its own transaction), then starts the writer.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return;
        }
        var connection = new SqliteConnection(_writeConnectionString);
        await connection.OpenAsync(cancellationToken);
        // FULL makes every commit durable in WAL mode; foreign keys are off by default.
        Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_time INTEGER NOT NULL);");
        foreach (var (version, sql) in SqliteSchema.Migrations)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            if (Convert.ToInt64(Scalar(connection, tx, "SELECT COUNT(*) FROM schema_migrations WHERE version = $v", ("$v", version))) == 0)
            {
                Execute(connection, tx, sql);
                Execute(connection, tx, "INSERT INTO schema_migrations (version, applied_time) VALUES ($v, $t)", ("$v", version), ("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
            tx.Commit();
        }
        EvidenceChain.Load(connection);
        KeepPrepared(connection);
        _writer = new SqliteWriter(connection, EvidenceChain);
    }

    /// <summary>Runs <paramref name="work"/> as one unit of work of the writer; completes once it is durable.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, Action<T>? committed = null) =>
        (_writer ?? throw new InvalidOperationException("the store is not initialised")).WriteAsync(work, committed);

    public Task WriteAsync(Action<SqliteConnection, SqliteTransaction> work) =>
        WriteAsync<bool>((connection, tx) =>
        {
            work(connection, tx);
            return true;
        });

    /// <summary>Runs <paramref name="read"/> on a pooled read-only connection (WAL: it sees every committed unit and never blocks the writer).</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return read(connection);
    }

    public static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string, object?)[] parameters) =>
        Run(connection, tx, sql, parameters, static command => command.ExecuteNonQuery());

    public static object? Scalar(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string, object?)[] parameters) =>
        Run(connection, tx, sql, parameters, static command => command.ExecuteScalar());

    /// <summary>Reads every row of <paramref name="sql"/> with <paramref name="row"/>.</summary>
    public static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> row, params (string, object?)[] parameters) =>
        Run(connection, tx, sql, parameters, command =>
        {
            using var reader = command.ExecuteReader();
            var list = new List<T>();
            while (reader.Read())
            {
                list.Add(row(reader));
            }
            return list;
        });

    /// <summary>
    /// Runs one parameterised command. On the writer's connection the command is kept prepared and reused (the writer
    /// runs the same few statements all day; parsing them again for every unit would be most of its work); elsewhere
    /// it is made and disposed.
    /// </summary>
    private static T Run<T>(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object? Value)[] parameters, Func<SqliteCommand, T> run)
    {
        var prepared = Prepared.TryGetValue(connection, out var statements);
        SqliteCommand? command = null;
        if (prepared && !statements!.TryGetValue(sql, out command))
        {
            statements[sql] = command = connection.CreateCommand();
            command.CommandText = sql;
        }
        command ??= connection.CreateCommand();
        try
        {
            command.CommandText = sql;
            command.Transaction = tx;
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            return run(command);
        }
        finally
        {
            if (!prepared)
            {
                command.Dispose();
            }
        }
    }

    internal static void KeepPrepared(SqliteConnection connection) => Prepared.Add(connection, new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
        using (var pooled = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }
        await _ownership.DisposeAsync();
    }
}
