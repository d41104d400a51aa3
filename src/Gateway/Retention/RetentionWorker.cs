using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Retention;

/// <summary>
/// Prunes old webhook deliveries, events and notification receipts in the background (one instance at a time: a worker lease),
/// in small batches with pauses between them, so that a gateway that runs for years does not grow without bound.
/// </summary>
public sealed class RetentionWorker(IRetentionStore store, IWorkerLeases leases, IOptions<RetentionOptions> options, TimeProvider clock,
    ILogger<RetentionWorker> logger) : LeasedWorker(leases, clock, logger)
{
    protected override string LeaseName => "retention";

    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken) =>
        await PruneAsync(cancellationToken);

    /// <summary>One run: everything past its age, deliveries first (an event is kept while a delivery carries it).</summary>
    public async Task<(int Deliveries, int Events, int Receipts)> PruneAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = Clock.GetUtcNow();
        var deliveries = await DrainAsync((limit, ct) => store.PruneDeliveriesAsync(now - o.WebhookDeliveries, limit, ct), cancellationToken);
        var events = await DrainAsync((limit, ct) => store.PruneEventsAsync(now - o.Events, limit, ct), cancellationToken);
        var receipts = await DrainAsync((limit, ct) => store.PruneNotificationReceiptsAsync(now - o.NotificationReceipts, limit, ct), cancellationToken);
        if (deliveries + events + receipts > 0)
        {
            Logger.LogInformation("Retention removed {Deliveries} webhook deliveries, {Events} events and {Receipts} notification receipts", deliveries, events, receipts);
        }
        return (deliveries, events, receipts);
    }

    private async Task<int> DrainAsync(Func<int, CancellationToken, Task<int>> batch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var removed = await batch(options.Value.BatchSize, cancellationToken);
            total += removed;
            if (removed < options.Value.BatchSize)
            {
                return total;
            }
            await Task.Delay(options.Value.Pause, Clock, cancellationToken);
        }
    }
}
