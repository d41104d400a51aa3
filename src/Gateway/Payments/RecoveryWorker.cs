using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Expires unpaid payments (closing their channel orders), resolves attempts whose outcome is unknown, settles
/// pending refunds, and asks about payments waiting for the payer at their scheduled points, on a schedule. It reads its work from the store, so it picks up where it left off after a restart.
/// </summary>
public sealed class RecoveryWorker(
    IPaymentStore store,
    PaymentLifecycle lifecycle,
    IOptions<PaymentOptions> options,
    IWorkerLeases leases,
    TimeProvider clock,
    ILogger<RecoveryWorker> logger) : LeasedWorker(leases, clock, logger)
{
    protected override string LeaseName => "recovery";

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override TimeSpan Lease => options.Value.WorkerLease;

    /// <summary>At start: a restarted gateway resolves what it left unknown at once.</summary>
    protected override bool RunsAtStart => true;

    protected override Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken) =>
        SweepAsync(cancellationToken, stillHolding);

    /// <summary>One pass over the payments that need attention.</summary>
    /// <param name="cancellationToken">Stops the sweep.</param>
    /// <param name="stillHolding">
    /// Renews the worker's lease before each payment; a sweep that lost it (it ran longer than the lease, and another instance
    /// took over) stops there, so that two instances never work on the same payments.
    /// </param>
    public async Task SweepAsync(CancellationToken cancellationToken, Func<CancellationToken, Task<bool>>? stillHolding = null)
    {
        var now = Clock.GetUtcNow();
        var due = await store.ListNeedingAttentionAsync(now, now - options.Value.PendingQueryAfter, 100, cancellationToken);
        foreach (var payment in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stillHolding is not null && !await stillHolding(cancellationToken))
            {
                Logger.LogWarning("Recovery sweep stopped: another instance holds the recovery lease now");
                return;
            }
            try
            {
                var current = await lifecycle.RefundDuplicatesAsync(payment);
                current = await lifecycle.ResolvePendingRefundsAsync(current);
                current = await lifecycle.ResolveOpenAttemptsAsync(current);
                // A call still in flight after its question (a transfer the network is carrying) settles by itself: it cannot
                // be closed, so the payment does not expire under it.
                if (!current.State.IsFinal() && current.ExpireTime <= now && current.CurrentAttempt?.State != AttemptState.Pending)
                {
                    await lifecycle.ExpireAsync(current);
                }
            }
            catch (PaymentException ex)
            {
                Logger.LogWarning("Payment {PaymentId} not resolved yet: {Reason}", payment.Id, ex.Message);
            }
        }
        foreach (var payment in await store.ListPayerQueriesDueAsync(now, 100, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stillHolding is not null && !await stillHolding(cancellationToken))
            {
                Logger.LogWarning("Recovery sweep stopped: another instance holds the recovery lease now");
                return;
            }
            try
            {
                await lifecycle.QueryAwaitingPayerAsync(payment);
            }
            catch (PaymentException ex)
            {
                Logger.LogWarning("Payment {PaymentId}: scheduled query failed: {Reason}", payment.Id, ex.Message);
            }
        }
    }
}
