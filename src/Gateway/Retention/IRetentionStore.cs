namespace Paygate.Gateway.Retention;

/// <summary>
/// Removes what a store only needs for a while, a batch at a time (each its own short write, so the write path barely
/// notices). Payments, attempts, refunds and idempotency keys are never removed here.
/// </summary>
public interface IRetentionStore
{
    /// <summary>Finished webhook deliveries (delivered or given up) created before <paramref name="before"/>, with their tries; returns how many.</summary>
    Task<int> PruneDeliveriesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Events older than <paramref name="before"/> that no remaining delivery carries; the newest event is always kept (the
    /// stream's positions never go back). Returns how many.
    /// </summary>
    Task<int> PruneEventsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>Receipts of channel notifications first seen before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneNotificationReceiptsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}
