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
    ILogger<RecoveryWorker> logger) : BackgroundService
{
    /// <summary>The worker's lease: with several instances on one store, one of them sweeps.</summary>
    public const string LeaseName = "recovery";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        try
        {
            await SweepWhileHoldingAsync(timer, stoppingToken);
        }
        finally
        {
            await leases.ReleaseAtStopAsync(LeaseName, logger);
        }
    }

    private async Task SweepWhileHoldingAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                if (await leases.TryHoldAsync(LeaseName, options.Value.WorkerLease, stoppingToken))
                {
                    await SweepAsync(stoppingToken, token => leases.TryHoldAsync(LeaseName, options.Value.WorkerLease, token));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Recovery sweep failed; retrying at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over the payments that need attention.</summary>
    /// <param name="cancellationToken">Stops the sweep.</param>
    /// <param name="stillHolding">
    /// Renews the worker's lease before each payment; a sweep that lost it (it ran longer than the lease, and another instance
    /// took over) stops there, so that two instances never work on the same payments.
    /// </param>
    public async Task SweepAsync(CancellationToken cancellationToken, Func<CancellationToken, Task<bool>>? stillHolding = null)
    {
        var now = clock.GetUtcNow();
        var due = await store.ListNeedingAttentionAsync(now, now - options.Value.PendingQueryAfter, 100, cancellationToken);
        foreach (var payment in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stillHolding is not null && !await stillHolding(cancellationToken))
            {
                logger.LogWarning("Recovery sweep stopped: another instance holds the recovery lease now");
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
                logger.LogWarning("Payment {PaymentId} not resolved yet: {Reason}", payment.Id, ex.Message);
            }
        }
        foreach (var payment in await store.ListPayerQueriesDueAsync(now, 100, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stillHolding is not null && !await stillHolding(cancellationToken))
            {
                logger.LogWarning("Recovery sweep stopped: another instance holds the recovery lease now");
                return;
            }
            try
            {
                await lifecycle.QueryAwaitingPayerAsync(payment);
            }
            catch (PaymentException ex)
            {
                logger.LogWarning("Payment {PaymentId}: scheduled query failed: {Reason}", payment.Id, ex.Message);
            }
        }
    }
}
