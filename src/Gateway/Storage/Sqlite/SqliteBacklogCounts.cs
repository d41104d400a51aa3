using Paygate.Gateway.Observability;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>The backlog gauges' counts, by index: unfinished payments by state, pending deliveries by state.</summary>
internal sealed class SqliteBacklogCounts(SqliteDatabase database) : IBacklogCounts
{
    public Task<Backlog> CountAsync(CancellationToken cancellationToken) => Task.FromResult(database.Read(connection =>
    {
        var unknown = (long)Scalar(connection, null,
            "SELECT COUNT(*) FROM payments WHERE state IN ($processing, $action, $failed) AND open_attempt = 2",
            ("$processing", (int)PaymentState.Processing), ("$action", (int)PaymentState.RequiresAction), ("$failed", (int)PaymentState.Failed))!;
        var webhooks = Query(connection, null, "SELECT COUNT(*), MIN(create_time) FROM webhook_deliveries WHERE state = $pending",
            r => (Count: r.GetInt64(0), Oldest: r.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))),
            ("$pending", (int)WebhookDeliveryState.Pending))[0];
        return new Backlog(unknown, webhooks.Count, webhooks.Oldest);
    }));
}
