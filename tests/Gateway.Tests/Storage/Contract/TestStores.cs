using Paygate.Gateway.Disputes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Data.Sqlite;
using Npgsql;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Retention;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Settlement;
using Paygate.Gateway.Storage.Postgres;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>
/// Every store of one provider over a fresh database, as one gateway instance has them: SQLite in a temporary folder, or a new
/// database on the test PostgreSQL server. <see cref="AnotherInstanceAsync"/> opens the same database as a second instance
/// would (PostgreSQL only: one process owns a SQLite file).
/// </summary>
public sealed class TestStores : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Func<Task>? _drop;

    private TestStores(string provider, TimeProvider clock, Func<Task>? drop)
    {
        Provider = provider;
        Clock = clock;
        _drop = drop;
    }

    /// <summary>The providers the contract runs on: both where a PostgreSQL server is given, and always in CI (where a missing one fails).</summary>
    public static TheoryData<string> Providers =>
        PostgresTestServer.ConnectionString is not null || PostgresTestServer.InCi ? new TheoryData<string> { Sqlite, Postgres } : new TheoryData<string> { Sqlite };

    public string Provider { get; }
    public TimeProvider Clock { get; }
    public IPaymentStore Payments { get; private set; } = null!;
    public IWebhookStore Webhooks { get; private set; } = null!;
    public IMerchantStore Merchants { get; private set; } = null!;
    public IBankCreditStore Credits { get; private set; } = null!;
    public IWorkerLeases Leases { get; private set; } = null!;
    public ISharedLocks Locks { get; private set; } = null!;
    public IRetentionStore Retention { get; private set; } = null!;
    public IEvidenceStore Evidence { get; private set; } = null!;

    /// <summary>The SQLite file (null for PostgreSQL).</summary>
    public string? SqlitePath { get; private set; }
    public IRiskRuleStore RiskRules { get; private set; } = null!;
    public IDisputeStore Disputes { get; private set; } = null!;
    public ISettlementStore Settlement { get; private set; } = null!;
    public Paygate.Gateway.Groups.IGroupStore Groups { get; private set; } = null!;

    /// <summary>The PostgreSQL database's connection string (null for SQLite).</summary>
    public string? ConnectionString { get; private set; }

    public static async Task<TestStores> OpenAsync(string provider, TimeProvider clock)
    {
        if (provider == Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("paygate-contract-").FullName;
            var stores = new TestStores(provider, clock, () =>
            {
                Directory.Delete(folder, recursive: true);
                return Task.CompletedTask;
            });
            stores.SqlitePath = Path.Combine(folder, "p.db");
            var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = stores.SqlitePath }));
            stores._owned.Add(database);
            stores.Payments = new SqlitePaymentStore(database);
            stores.Webhooks = new SqliteWebhookStore(database);
            stores.Merchants = new SqliteMerchantStore(database);
            stores.Credits = new SqliteBankCreditStore(database);
            stores.Leases = new SqliteWorkerLeases(database, clock);
            stores.Locks = new ProcessLocks(new KeyedLock());
            stores.Retention = new SqliteRetentionStore(database);
            stores.Evidence = new SqliteEvidenceStore(database);
            stores.RiskRules = new SqliteRiskRuleStore(database);
            stores.Disputes = new SqliteDisputeStore(database);
            stores.Settlement = new SqliteSettlementStore(database);
            stores.Groups = new SqliteGroupStore(database);
            await stores.Payments.InitializeAsync(CancellationToken.None);
            return stores;
        }
        var connectionString = await PostgresTestServer.CreateDatabaseAsync();
        var postgres = new TestStores(provider, clock, () => PostgresTestServer.DropDatabaseAsync(connectionString)) { ConnectionString = connectionString };
        await postgres.OpenPostgresAsync();
        await postgres.Payments.InitializeAsync(CancellationToken.None);
        return postgres;
    }

    /// <summary>The same PostgreSQL database opened again, as another gateway instance: its own pool, relay and leases.</summary>
    public async Task<TestStores> AnotherInstanceAsync()
    {
        Assert.Equal(Postgres, Provider);
        var other = new TestStores(Provider, Clock, null) { ConnectionString = ConnectionString };
        await other.OpenPostgresAsync();
        await other.Payments.InitializeAsync(CancellationToken.None);
        _owned.Add(other);
        return other;
    }

    private Task OpenPostgresAsync()
    {
        var options = Options.Create(new PostgresStoreOptions { ConnectionString = ConnectionString! });
        var database = new PostgresDatabase(options);
        _owned.Add(database);
        var relay = new PostgresEventRelay(database, options, NullLogger<PostgresEventRelay>.Instance);
        Payments = new PostgresPaymentStore(database, relay);
        Webhooks = new PostgresWebhookStore(database, relay);
        Merchants = new PostgresMerchantStore(database);
        Credits = new PostgresBankCreditStore(database);
        Leases = new PostgresWorkerLeases(database);
        Locks = new PostgresSharedLocks(database);
        Retention = new PostgresRetentionStore(database);
        Evidence = new PostgresEvidenceStore(database);
        RiskRules = new PostgresRiskRuleStore(database);
        Disputes = new PostgresDisputeStore(database);
        Settlement = new PostgresSettlementStore(database);
        Groups = new PostgresGroupStore(database);
        return Task.CompletedTask;
    }

    /// <summary>Runs SQL on the database behind the stores' backs, as someone with write access to it would (tampering tests).</summary>
    public async Task ExecuteBehindTheStoresAsync(string sql, params (string Name, object Value)[] parameters)
    {
        if (SqlitePath is not null)
        {
            await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqlitePath, Pooling = false }.ToString());
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue("@" + name, value);
            }
            await command.ExecuteNonQueryAsync();
            return;
        }
        await using var postgres = new NpgsqlConnection(ConnectionString);
        await postgres.OpenAsync();
        await using var pg = new NpgsqlCommand(sql, postgres);
        foreach (var (name, value) in parameters)
        {
            pg.Parameters.AddWithValue(name, value);
        }
        await pg.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        if (_drop is not null)
        {
            await _drop();
        }
    }
}
