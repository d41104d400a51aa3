using Npgsql;

namespace Paygate.Gateway.Tests.Storage;

/// <summary>The test server is PostgreSQL 15 or later with durable commits, and hands each test a database of its own.</summary>
public sealed class PostgresTestServerTests
{
    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [PostgresFact]
    public async Task CreateDatabase_GivesAFreshDatabaseOnADurablePostgres15_DropRemovesIt()
    {
        var connectionString = await PostgresTestServer.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync();

            Assert.Matches("^paygate_test_[0-9a-f]{16}$", name);
            Assert.Equal(name, await ScalarAsync(connection, "SELECT current_database()"));
            Assert.Equal("0", await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
            Assert.Equal("on", await ScalarAsync(connection, "SHOW synchronous_commit"));
            Assert.True(int.Parse(await ScalarAsync(connection, "SHOW server_version_num"), System.Globalization.CultureInfo.InvariantCulture) >= 150000);
        }
        finally
        {
            // The connection above is still open: the drop ends it (WITH (FORCE)).
            await PostgresTestServer.DropDatabaseAsync(connectionString);
        }

        await using var server = new NpgsqlConnection(PostgresTestServer.ConnectionString);
        await server.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", server);
        exists.Parameters.AddWithValue("name", name);
        Assert.Equal(0L, await exists.ExecuteScalarAsync());
    }
}
