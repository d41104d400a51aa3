namespace Paygate.Gateway.Observability;

/// <summary>What waits in the store: counted now and then for the gauges, never per scrape.</summary>
public interface IBacklogCounts
{
    Task<Backlog> CountAsync(CancellationToken cancellationToken);
}

/// <summary>The store's backlog at one moment.</summary>
/// <param name="UnknownAttempts">Unfinished payments with an attempt whose outcome is unknown (the recovery worker's to resolve).</param>
/// <param name="PendingWebhooks">Webhook deliveries not yet delivered nor given up.</param>
/// <param name="OldestPendingWebhook">When the oldest of those was created; null when there is none.</param>
public sealed record Backlog(long UnknownAttempts, long PendingWebhooks, DateTimeOffset? OldestPendingWebhook);
