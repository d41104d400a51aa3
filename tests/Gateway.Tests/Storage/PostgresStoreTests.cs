using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Postgres;
using Paygate.Gateway.Tests.Storage.Contract;

namespace Paygate.Gateway.Tests.Storage;

/// <summary>What only the PostgreSQL store has to get right: migrating beside other instances, outages, the relay's catch-up.</summary>
public sealed class PostgresStoreTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [PostgresFact]
    public async Task InstancesStartingTogether_MigrateOnce()
    {
        var connectionString = await PostgresTestServer.CreateDatabaseAsync();
        try
        {
            var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(Options.Create(new PostgresStoreOptions { ConnectionString = connectionString }))).ToList();
            await Task.WhenAll(databases.Select(d => d.MigrateAsync(CancellationToken.None)));
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*), max(version) FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((long)PostgresSchema.Migrations.Count, reader.GetInt64(0));
            Assert.Equal(PostgresSchema.Migrations[^1].Version, reader.GetInt32(1));
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(connectionString);
        }
    }

    [PostgresFact]
    public async Task ASchemaNewerThanTheGatewayKnows_IsRefusedAtStart()
    {
        await using var stores = await TestStores.OpenAsync(TestStores.Postgres, _clock);
        await using (var connection = new NpgsqlConnection(stores.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("INSERT INTO schema_migrations (version, applied_time) VALUES (999, 0)", connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var database = new PostgresDatabase(Options.Create(new PostgresStoreOptions { ConnectionString = stores.ConnectionString! }));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync(CancellationToken.None));
        Assert.Contains("schema version 999, newer than this gateway knows", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ADatabaseThatIsDownOrReadOnly_IsStoreUnavailable_AndNothingIsHalfWritten()
    {
        await using var stores = await TestStores.OpenAsync(TestStores.Postgres, _clock);
        var payment = TestPayments.New(_clock);

        // Read-only (a standby, or an operator's switch): the write is refused whole.
        await using (var connection = new NpgsqlConnection(stores.ConnectionString))
        {
            await connection.OpenAsync();
            var name = connection.Database;
            await using var command = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET default_transaction_read_only = on", connection);
            await command.ExecuteNonQueryAsync();
        }
        var readOnly = await OpenAsync(stores.ConnectionString!);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => readOnly.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None));
        Assert.Null(await readOnly.GetAsync(payment.Id, CancellationToken.None));

        // Nobody listening there at all.
        var builder = new NpgsqlConnectionStringBuilder(stores.ConnectionString) { Port = 1, Timeout = 2 };
        var down = await OpenAsync(builder.ConnectionString, migrate: false);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => down.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => down.GetAsync(payment.Id, CancellationToken.None));
    }

    [PostgresFact]
    public async Task EventsAnInstanceCommittedButNeverRelayed_AreRelayedByAnother_AfterWhatWasAlreadyStreamed()
    {
        await using var stores = await TestStores.OpenAsync(TestStores.Postgres, _clock);
        var streamed = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(streamed, PaymentEventTypes.Created, null, CancellationToken.None);
        var before = (await stores.Payments.AllEventsAsync(TestPayments.Merchant, 0, 10, CancellationToken.None)).Single();

        // An instance died between its commit and its relay round: its event has no position yet, and nobody reads it.
        var orphan = TestPayments.New(_clock);
        await using (var connection = new NpgsqlConnection(stores.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                INSERT INTO payments (id, merchant_id, state, create_time, update_time, expire_time, open_attempt, version, body)
                VALUES (@id, @m, 1, 0, 0, 0, 0, 1, @body);
                WITH e AS (INSERT INTO payment_events (payment_id, merchant_id, type, state, time, snapshot) VALUES (@id, @m, 'payment.created', 1, 0, @body) RETURNING id)
                INSERT INTO event_queue (event_id) SELECT id FROM e;
                """, connection);
            command.Parameters.AddWithValue("id", orphan.Id);
            command.Parameters.AddWithValue("m", TestPayments.Merchant);
            command.Parameters.AddWithValue("body", PaymentJson.Serialize(orphan));
            await command.ExecuteNonQueryAsync();
            await using var placed = new NpgsqlCommand("SELECT count(*) FROM event_positions WHERE payment_id = @id", connection);
            placed.Parameters.AddWithValue("id", orphan.Id);
            Assert.Equal(0L, await placed.ExecuteScalarAsync());
        }

        var options = Options.Create(new PostgresStoreOptions { ConnectionString = stores.ConnectionString! });
        await using var database = new PostgresDatabase(options);
        Assert.Equal(1, await new PostgresEventRelay(database, options, NullLogger<PostgresEventRelay>.Instance).RelayAsync(CancellationToken.None));

        var after = (await stores.Payments.AllEventsAsync(TestPayments.Merchant, before.Sequence, 10, CancellationToken.None)).Single();
        Assert.Equal(orphan.Id, after.PaymentId);
        Assert.True(after.Sequence > before.Sequence);
    }

    [PostgresFact]
    public async Task AChangeMadeByAnotherInstance_WakesThisInstancesWatchers_ThroughNotify()
    {
        await using var stores = await TestStores.OpenAsync(TestStores.Postgres, _clock);
        var payment = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        // This instance: a listener and its watchers' signals (no polling here: only the notification can wake them).
        var options = Options.Create(new PostgresStoreOptions { ConnectionString = stores.ConnectionString! });
        await using var database = new PostgresDatabase(options);
        var signals = new PaymentSignals();
        using var listener = new PostgresChangeListener(database, signals, NullLogger<PostgresChangeListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        await signals.NextChangeAsync("listening").WaitAsync(TimeSpan.FromSeconds(10)); // it wakes everyone once it listens

        var mine = signals.NextChangeAsync(payment.Id);
        var anyone = signals.NextAnyChangeAsync();
        var other = signals.NextChangeAsync("pay_other");
        // The other instance changes the payment; its relay places the event and notifies.
        var another = await stores.AnotherInstanceAsync();
        Assert.True(await another.Payments.TryUpdateAsync(payment, 1, PaymentEventTypes.Succeeded, null, CancellationToken.None));

        await mine.WaitAsync(TimeSpan.FromSeconds(10));
        await anyone.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(other.IsCompleted);
        await listener.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Postgres_WithoutASharedWebhookKey_IsRefusedAtStart()
    {
        var settings = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(new Microsoft.Extensions.Configuration.ConfigurationBuilder(), new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:Postgres:ConnectionString"] = "Host=127.0.0.1;Database=paygate",
        }).Build();

        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var error = Assert.Throws<InvalidOperationException>(() => { services.AddPaygateStore(settings); });
        Assert.Contains("needs Webhooks:SecretKey", error.Message, StringComparison.Ordinal);
    }

    private readonly List<IAsyncDisposable> _opened = [];

    private async Task<PostgresPaymentStore> OpenAsync(string connectionString, bool migrate = true)
    {
        var options = Options.Create(new PostgresStoreOptions { ConnectionString = connectionString });
        var database = new PostgresDatabase(options);
        _opened.Add(database);
        if (migrate)
        {
            await database.MigrateAsync(CancellationToken.None);
        }
        return new PostgresPaymentStore(database, new PostgresEventRelay(database, options, NullLogger<PostgresEventRelay>.Instance));
    }
}
