using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace Paygate.Gateway.Tests.Storage;

/// <summary>
/// The PostgreSQL server the tests run against: the connection string in <c>PAYGATE_TEST_POSTGRES</c>
/// (a superuser on the server; <c>.ci/run</c> starts one with <c>tools/postgres/cluster.sh</c>).
/// Each test gets a database of its own from <see cref="CreateDatabaseAsync"/> and drops it with <see cref="DropDatabaseAsync"/>.
/// Without the variable, tests marked <see cref="PostgresFactAttribute"/> or <see cref="PostgresTheoryAttribute"/>
/// are skipped on a developer's machine and fail in CI (<c>CI=true</c>).
/// </summary>
internal static partial class PostgresTestServer
{
    public const string Variable = "PAYGATE_TEST_POSTGRES";

    public const string MissingMessage =
        "PAYGATE_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL cluster; run tools/postgres/cluster.sh start <dir> and export it";

    private const string NamePrefix = "paygate_test_";

    /// <summary>The server's connection string, or null when the variable is missing or empty.</summary>
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>In CI a missing server fails the tests rather than skipping them.</summary>
    public static bool InCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the PostgreSQL tests are skipped, or null when they run (and fail in CI when the server is missing).</summary>
    public static string? SkipReason =>
        ConnectionString is null && !InCi ? MissingMessage + " (skipped outside CI)" : null;

    private static string Server => ConnectionString ?? throw new InvalidOperationException(MissingMessage);

    /// <summary>Creates a new empty database <c>paygate_test_&lt;random hex&gt;</c> on the server and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = NamePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"", cancellationToken);
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing the connections still open to it.</summary>
    public static async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (name is null || !TestDatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Not a test database of {nameof(PostgresTestServer)}: '{name}'.", nameof(connectionString));
        }
        using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", cancellationToken);
    }

    private static async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^paygate_test_[0-9a-f]+$")]
    private static partial Regex TestDatabaseName();
}

/// <summary>A fact that needs the PostgreSQL server of <see cref="PostgresTestServer"/>: skipped without it, except in CI, where it fails.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs the PostgreSQL server of <see cref="PostgresTestServer"/>: skipped without it, except in CI, where it fails.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
