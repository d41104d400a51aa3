using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>The payment core against a real SQLite store in a temporary folder, a fake clock and a scripted channel.</summary>
public abstract class LifecycleTestBase : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paygate-lifecycle-").FullName;
    private protected readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private protected readonly ScriptedChannel _channel = new();
    private protected readonly PaymentOptions _options = new() { NotifyBaseUrl = "http://127.0.0.1:5081" };
    private protected SqlitePaymentStore _store = null!;
    private protected PaymentLifecycle _lifecycle = null!;

    /// <summary>The database file the store uses (other stores of the same file share it).</summary>
    private protected SqliteDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path.Combine(_dir, "p.db") }));
        _store = new SqlitePaymentStore(Database);
        await _store.InitializeAsync(CancellationToken.None);
        _lifecycle = NewLifecycle(_store, _channel);
    }

    /// <summary>A payment core over <paramref name="store"/> and one channel, with its own routing, health and per-key locks.</summary>
    private protected PaymentLifecycle NewLifecycle(IPaymentStore store, IPaymentChannel channel)
    {
        var registry = new ChannelRegistry([channel]);
        var health = new ChannelHealth(Options.Create(new ResilienceOptions()), _clock);
        var router = new PaymentRouter(registry, new StaticOptions<RoutingOptions>(new RoutingOptions()), health);
        var calls = new ChannelCalls(Options.Create(new ResilienceOptions()), health, _clock, NullLogger<ChannelCalls>.Instance);
        return new PaymentLifecycle(store, registry, router, calls, new PaymentSignals(), new KeyedLock(),
            Options.Create(_options), _clock, NullLogger<PaymentLifecycle>.Instance);
    }

    private protected RecoveryWorker NewWorker() => new(_store, _lifecycle, Options.Create(_options), new SqliteWorkerLeases(Database, _clock), _clock, NullLogger<RecoveryWorker>.Instance);

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
