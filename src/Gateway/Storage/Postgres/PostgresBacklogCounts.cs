using Paygate.Gateway.Observability;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// The backlog gauges' counts on PostgreSQL, by the partial indexes of unfinished payments and pending deliveries (the states
/// are literals so that the planner can use them).
/// </summary>
internal sealed class PostgresBacklogCounts(PostgresDatabase database) : IBacklogCounts
{
    public Task<Backlog> CountAsync(CancellationToken cancellationToken) => database.ReadAsync(async connection =>
    {
        var unknown = (long)(await ScalarAsync(connection, null,
            $"SELECT COUNT(*) FROM payments WHERE state IN ({(int)PaymentState.Processing}, {(int)PaymentState.RequiresAction}, {(int)PaymentState.Failed}) AND open_attempt = 2",
            cancellationToken))!;
        var webhooks = (await QueryAsync(connection, null, $"SELECT COUNT(*), MIN(create_time) FROM webhook_deliveries WHERE state = {(int)WebhookDeliveryState.Pending}",
            r => (Count: r.GetInt64(0), Oldest: r.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))),
            cancellationToken))[0];
        return new Backlog(unknown, webhooks.Count, webhooks.Oldest);
    }, cancellationToken);
}
