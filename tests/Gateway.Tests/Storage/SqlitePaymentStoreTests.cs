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
    public async Task Scheduling_ByAnOlderVersion_DoesNotOverwriteWhatANewerChangeScheduled()
    {
        var payment = TestPayments.New(_clock);
        await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        Assert.True(await _store.TryUpdateAsync(payment, 1, PaymentEventTypes.Created, null, CancellationToken.None));

        await _store.DeferChecksAsync(payment.Id, version: 1, _clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.Contains(await _store.ListNeedingAttentionAsync(_clock.GetUtcNow().AddHours(1), _clock.GetUtcNow().AddHours(1), 10, CancellationToken.None), p => p.Id == payment.Id);

        await _store.DeferChecksAsync(payment.Id, version: 2, _clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.DoesNotContain(await _store.ListNeedingAttentionAsync(_clock.GetUtcNow().AddHours(1), _clock.GetUtcNow().AddHours(1), 10, CancellationToken.None), p => p.Id == payment.Id);
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
    public async Task TryUpdate_StaleVersion_IsRefusedAndChangesNothing()
    {
        var payment = TestPayments.New(_clock);
        await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        var first = (await _store.GetAsync(payment.Id, CancellationToken.None))!;
        var second = (await _store.GetAsync(payment.Id, CancellationToken.None))!;

        first.State = PaymentState.Failed;
        Assert.True(await _store.TryUpdateAsync(first, 1, PaymentEventTypes.Failed, null, CancellationToken.None));
        second.State = PaymentState.Canceled;
        Assert.False(await _store.TryUpdateAsync(second, 1, PaymentEventTypes.Canceled, null, CancellationToken.None));

        var stored = (await _store.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal((PaymentState.Failed, 2L), (stored.State, stored.Version));
        Assert.Equal([PaymentEventTypes.Created, PaymentEventTypes.Failed], (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Select(e => e.Type));
    }

    [Fact]
    public async Task Insert_IdempotencyKeyTaken_WritesNothing()
    {
        var first = TestPayments.New(_clock);
        var second = TestPayments.New(_clock);
        await _store.InsertAsync(first, PaymentEventTypes.Created, new IdempotencyRecord(TestPayments.Merchant, "create", "k1", "f1", first.Id, _clock.GetUtcNow()), CancellationToken.None);

        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() =>
            _store.InsertAsync(second, PaymentEventTypes.Created, new IdempotencyRecord(TestPayments.Merchant, "create", "k1", "f2", second.Id, _clock.GetUtcNow()), CancellationToken.None));

        Assert.Null(await _store.GetAsync(second.Id, CancellationToken.None));
        Assert.Equal(first.Id, (await _store.FindIdempotencyAsync(TestPayments.Merchant, "create", "k1", CancellationToken.None))!.PaymentId);
    }

    [Fact]
    public async Task FindByAttemptReference_FindsThePaymentOfAnOrderNumber()
    {
        var payment = TestPayments.New(_clock);
        await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);

        Assert.Equal(payment.Id, (await _store.FindByAttemptReferenceAsync("alipay", payment.Attempts[0].Reference, CancellationToken.None))?.Id);
        Assert.Null(await _store.FindByAttemptReferenceAsync("wechatpay", payment.Attempts[0].Reference, CancellationToken.None));
    }

    [Fact]
    public async Task List_PagesNewestFirstWithoutGapsOrRepeats()
    {
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var payment = TestPayments.New(_clock, i % 2 == 0 ? PaymentState.Processing : PaymentState.Failed);
            ids.Add(payment.Id);
            await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            _clock.Advance(TimeSpan.FromMilliseconds(i % 3 == 0 ? 0 : 5)); // some share a creation time
        }

        var seen = new List<string>();
        PageCursor? cursor = null;
        while (true)
        {
            var page = await _store.ListAsync(TestPayments.Merchant, null, cursor, 3, CancellationToken.None);
            seen.AddRange(page.Select(p => p.Id));
            if (page.Count < 3)
            {
                break;
            }
            cursor = new PageCursor(page[^1].CreateTime, page[^1].Id);
        }

        Assert.Equal(ids.OrderByDescending(i => i, StringComparer.Ordinal), seen);
        Assert.Equal(3, (await _store.ListAsync(TestPayments.Merchant, PaymentState.Failed, null, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ListNeedingAttention_FindsExpiredAndUnknownButNotWaitingOrFinal()
    {
        var expired = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        var unknown = TestPayments.New(_clock, PaymentState.Processing, AttemptState.Unknown);
        var waiting = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        var done = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded);
        foreach (var p in new[] { expired, unknown, waiting, done })
        {
            await _store.InsertAsync(p, PaymentEventTypes.Created, null, CancellationToken.None);
        }
        expired = (await _store.GetAsync(expired.Id, CancellationToken.None))!;

        var now = _clock.GetUtcNow();
        var dueNow = await _store.ListNeedingAttentionAsync(now, now, 10, CancellationToken.None);
        Assert.Equal([unknown.Id], dueNow.Select(p => p.Id));

        var later = now.AddHours(25);
        var dueLater = await _store.ListNeedingAttentionAsync(later, later, 10, CancellationToken.None);
        Assert.Equal(new[] { expired.Id, unknown.Id, waiting.Id }.Order(), dueLater.Select(p => p.Id).Order());
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
