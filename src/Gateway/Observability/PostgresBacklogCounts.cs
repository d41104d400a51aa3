using Paygate.Gateway.Payments;
using Paygate.Gateway.Storage.Postgres;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Observability;

/// <summary>
/// The backlog gauges' counts on PostgreSQL, by index (unfinished payments by state, the partial index of pending deliveries).
/// Beside the gauges rather than in Storage/Postgres only while that folder is being reworked; it belongs there.
/// </summary>
internal sealed class PostgresBacklogCounts(PostgresDatabase database) : IBacklogCounts
{
    public Task<Backlog> CountAsync(CancellationToken cancellationToken) => database.ReadAsync(async connection =>
    {
        var unknown = (long)(await ScalarAsync(connection, null,
            "SELECT COUNT(*) FROM payments WHERE state IN (@processing, @action, @failed) AND open_attempt = 2", cancellationToken,
            ("processing", (int)PaymentState.Processing), ("action", (int)PaymentState.RequiresAction), ("failed", (int)PaymentState.Failed)))!;
        var webhooks = (await QueryAsync(connection, null, "SELECT COUNT(*), MIN(create_time) FROM webhook_deliveries WHERE state = @pending",
            r => (Count: r.GetInt64(0), Oldest: r.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))),
            cancellationToken, ("pending", (int)WebhookDeliveryState.Pending)))[0];
        return new Backlog(unknown, webhooks.Count, webhooks.Oldest);
    }, cancellationToken);
}
