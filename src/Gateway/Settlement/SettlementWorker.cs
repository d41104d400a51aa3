using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Settlement;

/// <summary>
/// Reconciles every settlement channel's file of the previous business day, on one instance at a time (a lease), every
/// <c>Settlement:Interval</c> (6 hours by default: a file published late is still had the same day). Each run of a day
/// replaces the day's earlier result, so running it again is harmless; a day that fails is tried again at the next tick.
/// <c>Settlement:Enabled</c> false turns the worker off (the RPC still runs a day on demand).
/// </summary>
public sealed class SettlementWorker(SettlementReconciliation reconciliation, IConfiguration configuration, IWorkerLeases leases, TimeProvider clock,
    ILogger<SettlementWorker> logger) : LeasedWorker(leases, clock, logger)
{
    public const string Actor = "worker";

    protected override string LeaseName => "settlement";

    protected override TimeSpan Interval => configuration.GetValue("Settlement:Interval", TimeSpan.FromHours(6));

    protected override bool HasWork => configuration.GetValue("Settlement:Enabled", true) && reconciliation.Channels.Any();

    protected override async Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken)
    {
        foreach (var channel in reconciliation.Channels)
        {
            if (!await stillHolding(cancellationToken))
            {
                return;
            }
            var offset = reconciliation.Find(channel)!.SettlementDayOffset;
            var yesterday = DateOnly.FromDateTime(Clock.GetUtcNow().ToOffset(offset).DateTime).AddDays(-1);
            await reconciliation.RunAsync(channel, yesterday, Actor, cancellationToken);
        }
    }
}
