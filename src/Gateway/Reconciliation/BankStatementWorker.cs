using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reconciliation;

/// <summary>
/// Pulls each bank channel's end-of-day camt.053 (yesterday's and today's so far) on a schedule and reconciles it, so a
/// credit whose camt.054 never arrived is still found.
/// </summary>
public sealed class BankStatementWorker(IEnumerable<IPaymentChannel> channels, BankReconciliation reconciliation, IConfiguration configuration, IWorkerLeases leases,
    TimeProvider clock, ILogger<BankStatementWorker> logger) : LeasedWorker(leases, clock, logger)
{
    protected override string LeaseName => "bank-statements";

    protected override TimeSpan Interval => configuration.GetValue("Reconciliation:StatementInterval", TimeSpan.FromHours(1));

    protected override bool HasWork => channels.OfType<IStatementChannel>().Any();

    /// <summary>Yesterday's statement (complete) and today's so far; a day that fails is tried again at the next tick.</summary>
    protected override async Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        foreach (var date in new[] { today.AddDays(-1), today })
        {
            try
            {
                await ReconcileDayAsync(date, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or NotificationRejectedException)
            {
                Logger.LogWarning("Statement of {Date} not reconciled: {Error}; next try at the next tick", date, ex.Message);
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
