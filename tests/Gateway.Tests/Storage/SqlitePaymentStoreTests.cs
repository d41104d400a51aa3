using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Storage;

public sealed class SqlitePaymentStoreTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paygate-store-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<SqliteDatabase> _opened = [];
    private SqlitePaymentStore _store = null!;

    private string DbPath => Path.Combine(_dir, "db", "paygate.db");

    private SqlitePaymentStore Open(string? path = null)
    {
        var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path ?? DbPath }));
        _opened.Add(database);
        return new SqlitePaymentStore(database);
    }

    public async Task InitializeAsync()
    {
        _store = Open();
        await _store.InitializeAsync(CancellationToken.None);
    }

    [Fact]
    public void SecondGatewayOnTheSameFile_IsRefusedWithAClearMessage()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = DbPath })));
        Assert.Contains("Another gateway process is using the database", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecentRow_OlderThanTheFile_IsForgottenAtTheFirstConflict()
    {
        var payment = TestPayments.New(_clock);
        await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        var old = PaymentJson.Serialize(payment);
        payment.Metadata["note"] = "changed";
        Assert.True(await _store.TryUpdateAsync(payment, 1, PaymentEventTypes.Created, null, CancellationToken.None));
        // However an older row came to be remembered, the writer's version check finds it out and the file wins.
        _opened[0].RecentPayments.Forget(payment.Id);
        _opened[0].RecentPayments.Committed(payment.Id, 1, old);
        var stale = (await _store.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal(1, stale.Version);

        Assert.False(await _store.TryUpdateAsync(stale, stale.Version, PaymentEventTypes.Created, null, CancellationToken.None));

        var fresh = (await _store.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal((2L, "changed"), (fresh.Version, fresh.Metadata.GetValueOrDefault("note")));
    }

    [Fact]
    public async Task ConcurrentUpdates_AreCommittedInGroups_EachDurableBeforeItsCallerHearsOfIt()
    {
        var payments = Enumerable.Range(0, 200).Select(_ => TestPayments.New(_clock)).ToList();
        await Task.WhenAll(payments.Select(p => _store.InsertAsync(p, PaymentEventTypes.Created, null, CancellationToken.None)));

        var (commits, units) = _opened[0].WriterStatistics;
        Assert.Equal(200, units); // every insert a unit of its own
        Assert.True(commits < units, $"{units} units took {commits} commits: no group commit");
        foreach (var payment in payments)
        {
            Assert.NotNull(await _store.GetAsync(payment.Id, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Insert_ThenReopenTheFile_PaymentIsThereUnchanged()
    {
        var payment = TestPayments.New(_clock);
        payment.Metadata["order"] = "A-1";
        await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);

        await _opened[0].DisposeAsync();
        var reopened = Open();
        await reopened.InitializeAsync(CancellationToken.None); // migrations are idempotent
        var loaded = await reopened.GetAsync(payment.Id, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(PaymentJson.Serialize(payment), PaymentJson.Serialize(loaded));
        Assert.Equal(1, loaded.Version);
    }

    [Fact]
    public async Task EvidenceChain_AfterReopeningTheFile_ContinuesFromItsLastLink()
    {
        // The writer keeps the chain's last link in memory (no read per append): it must be rebuilt from the file at start.
        await _store.InsertAsync(TestPayments.New(_clock), PaymentEventTypes.Created, null, CancellationToken.None);
        await _store.InsertAsync(TestPayments.New(_clock), PaymentEventTypes.Created, null, CancellationToken.None);
        await _opened[0].DisposeAsync();

        var reopened = Open();
        await reopened.InitializeAsync(CancellationToken.None);
        await reopened.InsertAsync(TestPayments.New(_clock), PaymentEventTypes.Created, null, CancellationToken.None);

        var verification = await new Paygate.Gateway.Evidence.EvidenceVerifier(new SqliteEvidenceStore(_opened[^1])).VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Detail);
        Assert.Equal((3L, 3L), (verification.LinksChecked, verification.Last!.Sequence));
    }

    [Fact]
    public async Task Initialize_UsesWalJournalAndRecordsTheSchemaVersion()
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT MAX(version) FROM schema_migrations;";
        Assert.Equal((long)SqliteSchema.Migrations[^1].Version, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task StoreHealth_ReadableStore_IsHealthy_UnreadableIsNot_AndACheckCostsNoQuery()
    {
        var context = new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext();
        var healthy = new StoreHealth(_store, _clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<StoreHealth>.Instance);
        await healthy.ProbeAsync(CancellationToken.None);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await healthy.CheckHealthAsync(context)).Status);

        var uninitialised = Open(Path.Combine(_dir, "empty", "none.db"));
        var broken = new StoreHealth(uninitialised, _clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<StoreHealth>.Instance);
        await broken.ProbeAsync(CancellationToken.None);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, (await broken.CheckHealthAsync(context)).Status);

        // Checks read the last probe's answer and query nothing: the store going away is seen at the next probe.
        await _opened[0].DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(DbPath)!, recursive: true);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await healthy.CheckHealthAsync(context)).Status);
        await healthy.ProbeAsync(CancellationToken.None);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, (await healthy.CheckHealthAsync(context)).Status);
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
