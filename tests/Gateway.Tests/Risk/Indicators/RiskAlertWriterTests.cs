using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Mapping;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Risk.Indicators;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Risk.Indicators;

public sealed class RiskAlertWriterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Directory.CreateTempSubdirectory("paygate-alerts-").FullName;
    private readonly SqliteDatabase _database;
    private readonly SqlitePaymentStore _store;

    public RiskAlertWriterTests()
    {
        _database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path.Combine(_dir, "p.db") }));
        _store = new SqlitePaymentStore(_database);
    }

    private sealed class Recorder : IPaymentObserver
    {
        public List<(string Id, PaymentState? Before, string Type)> Saves { get; } = [];

        public void Saved(Payment payment, PaymentState? before, string eventType) => Saves.Add((payment.Id, before, eventType));
    }

    public Task InitializeAsync() => _store.InitializeAsync(CancellationToken.None);

    [Fact]
    public async Task FiredAlert_IsWrittenAsARiskAlertEventOfTheTippingPayment_KeepingItsState_AndMappedToEventAlert()
    {
        var payment = TestPayments.New(_clock, PaymentState.Failed, AttemptState.Declined);
        await _store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        var recorder = new Recorder();
        var health = new ChannelHealth(Options.Create(new ResilienceOptions()), _clock);
        var queue = new RiskAlertQueue(Options.Create(new RiskIndicatorOptions()), NullLogger<RiskAlertQueue>.Instance);
        using var writer = new RiskAlertWriter(queue, _store, new ChannelRegistry([]),
            new ChannelCalls(Options.Create(new ResilienceOptions()), health, _clock, NullLogger<ChannelCalls>.Instance), new PaymentSignals([recorder]), _clock,
            NullLogger<RiskAlertWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var alert = new FiredAlert(TestPayments.Merchant, payment.Id, "decline-rate-high", "decline_rate", "0.75", "0.5", "3 of 4", _clock.GetUtcNow());

        queue.Offer(alert);
        await WaitUntilAsync(async () => (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Count == 2);
        await writer.StopAsync(CancellationToken.None);

        var stored = (await _store.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal((PaymentState.Failed, 2L), (stored.State, stored.Version));
        var evt = (await _store.EventsAsync(payment.Id, 0, CancellationToken.None))[^1];
        Assert.Equal((PaymentEventTypes.RiskAlert, PaymentState.Failed), (evt.Type, evt.State));
        Assert.Equal([(payment.Id, PaymentState.Failed, PaymentEventTypes.RiskAlert)], recorder.Saves);
        var proto = evt.ToProto();
        Assert.Equal(("decline-rate-high", "decline_rate", "0.75", "0.5", "3 of 4", _clock.GetUtcNow()),
            (proto.Alert.Rule, proto.Alert.Indicator, proto.Alert.Value, proto.Alert.Threshold, proto.Alert.Reason, proto.Alert.FireTime.ToDateTimeOffset()));
        // Other events have no alert.
        Assert.Null((await _store.EventsAsync(payment.Id, 0, CancellationToken.None))[0].ToProto().Alert);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
