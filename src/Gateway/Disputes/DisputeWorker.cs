using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// The disputes' background work, in one instance at a time (a lease): screens recent successes against their customers' history
/// (level 1; off the payment's path, and found again after a restart since the store records which it screened), marks due
/// times passed (a <c>dispute.due_breached</c> event), follows a decision's refund until it settles (closing the dispute, or recording
/// the failure), escalates what the rules send to arbitration (level 3: open 7 days; the
/// amount rule applies at opening), and publishes changes a crash left unpublished. Time is the injected clock's.
/// </summary>
public sealed class DisputeWorker(
    IDisputeStore store, DisputeDesk desk, DisputeEvents events, IOptions<DisputeOptions> options, IWorkerLeases leases, TimeProvider clock, ILogger<DisputeWorker> logger)
    : LeasedWorker(leases, clock, logger)
{
    private const int Batch = 100;
    private readonly DisputeOptions _options = options.Value;

    protected override string LeaseName => "disputes";

    protected override TimeSpan Interval => _options.SweepInterval;

    protected override bool RunsAtStart => true;

    protected override async Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken) =>
        await SweepAsync(cancellationToken);

    /// <summary>One pass; returns how many disputes it opened or changed (for tests).</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        var now = Clock.GetUtcNow();
        if (_options.ScreeningEnabled)
        {
            foreach (var payment in await store.ListUnscreenedSuccessesAsync(now - _options.ScreeningWindow, Batch, cancellationToken))
            {
                count += await ScreenAsync(payment, now, cancellationToken) ? 1 : 0;
            }
        }
        foreach (var dispute in await store.ListDueAsync(now, Batch, cancellationToken))
        {
            var changed = await desk.MarkDueBreachedAsync(dispute.Id, cancellationToken);
            count += changed.DueBreached ? 1 : 0;
        }
        foreach (var dispute in await store.ListUnresolvedOpenedBeforeAsync(now - _options.EscalateAfter, Batch, cancellationToken))
        {
            var changed = await desk.EscalateIfDueAsync(dispute.Id, cancellationToken);
            count += changed.State == DisputeState.Escalated ? 1 : 0;
        }
        foreach (var dispute in await store.ListAsync(new DisputeFilter(null, DisputeState.RefundPending), null, Batch, cancellationToken))
        {
            count += await FollowRefundAsync(dispute, cancellationToken) ? 1 : 0;
        }
        foreach (var dispute in await store.ListUnpublishedAsync(Batch, cancellationToken))
        {
            await events.PublishAsync(dispute, cancellationToken);
        }
        return count;
    }

    /// <summary>Follows a decision's refund until it settles; true when the dispute left <see cref="DisputeState.RefundPending"/>.</summary>
    private async Task<bool> FollowRefundAsync(Dispute dispute, CancellationToken cancellationToken)
    {
        try
        {
            return (await desk.FollowRefundAsync(dispute.Id, cancellationToken)).State != DisputeState.RefundPending;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.RefundNotFollowed(ex, dispute.Id);
            return false;
        }
    }

    /// <summary>Screens one success (recorded either way, so it is not screened twice); true when it opened a dispute.</summary>
    private async Task<bool> ScreenAsync(Payment payment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            if (DisputeScreening.Screened(payment) is not { } screened)
            {
                return false;
            }
            Dispute? opened = null;
            // Only within the window of its success (the list is of successes changed within it; a later change, e.g. a refund, does not reopen it).
            if (screened.CustomerId.Length > 0 && now - screened.SuccessTime <= _options.ScreeningWindow)
            {
                var history = await store.CustomerHistoryAsync(screened.MerchantId, screened.CustomerId, screened.PaymentId, _options.HistorySize, cancellationToken);
                if (DisputeScreening.Check(screened, history, _options) is { } report)
                {
                    var kinds = string.Join(", ", report.Deviations.Select(d => d.Kind));
                    opened = desk.New(payment.Id, payment.MerchantId, DisputeSource.Screening, payment.AmountMinor, payment.Currency,
                        $"abnormal transaction ({kinds}) against the customer's history", report, null, null, null);
                }
            }
            if (await store.RecordScreeningAsync(screened, opened, cancellationToken) && opened is not null)
            {
                await desk.OpenedAsync(opened, cancellationToken);
                return true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.ScreeningFailed(ex, payment.Id);
        }
        return false;
    }
}
