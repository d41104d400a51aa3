using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reconciliation;

/// <summary>
/// Pulls each bank channel's end-of-day camt.053 (yesterday's and today's so far) on a schedule and reconciles it, so a
/// credit whose camt.054 never arrived is still found.
/// </summary>
public sealed class BankStatementWorker(IEnumerable<IPaymentChannel> channels, BankReconciliation reconciliation, IConfiguration configuration, IWorkerLeases leases,
    TimeProvider clock, ILogger<BankStatementWorker> logger) : BackgroundService
{
    /// <summary>The worker's lease: with several instances on one store, one of them pulls the statements.</summary>
    public const string LeaseName = "bank-statements";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!channels.OfType<IStatementChannel>().Any())
        {
            return;
        }
        var interval = configuration.GetValue("Reconciliation:StatementInterval", TimeSpan.FromHours(1));
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            await PullWhileHoldingAsync(timer, interval, stoppingToken);
        }
        finally
        {
            await leases.ReleaseAtStopAsync(LeaseName, logger);
        }
    }

    private async Task PullWhileHoldingAsync(PeriodicTimer timer, TimeSpan interval, CancellationToken stoppingToken)
    {
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Held for two ticks: the holder renews it at each, another instance takes over after its holder missed one.
            try
            {
                if (!await leases.TryHoldAsync(LeaseName, interval * 2, stoppingToken))
                {
                    continue;
                }
            }
            catch (StoreUnavailableException ex)
            {
                logger.LogWarning("Statement pull skipped: {Error}", ex.Message);
                continue;
            }
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            foreach (var date in new[] { today.AddDays(-1), today })
            {
                try
                {
                    await ReconcileDayAsync(date, stoppingToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or NotificationRejectedException)
                {
                    logger.LogWarning("Statement of {Date} not reconciled: {Error}; next try at the next tick", date, ex.Message);
                }
            }
        }
    }

    /// <summary>Fetches and reconciles every bank channel's statement of <paramref name="date"/>.</summary>
    public async Task<IReadOnlyList<BankCreditRecord>> ReconcileDayAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var outcomes = new List<BankCreditRecord>();
        foreach (var channel in channels.Where(c => c is IStatementChannel))
        {
            var statement = await ((IStatementChannel)channel).FetchStatementAsync(date, cancellationToken);
            outcomes.AddRange(await reconciliation.ApplyAsync(channel.Id, statement, cancellationToken));
        }
        return outcomes;
    }
}
