using Paygate.Gateway.Payments;
using Paygate.Gateway.Retention;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Retention in the shared database: each batch one short transaction.</summary>
public sealed class PostgresRetentionStore(PostgresDatabase database) : IRetentionStore
{
    public Task<int> PruneDeliveriesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var ids = await QueryAsync(connection, tx, $"""
                SELECT id FROM webhook_deliveries WHERE state IN ({(int)WebhookDeliveryState.Delivered}, {(int)WebhookDeliveryState.Failed}) AND create_time < @before
                ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED
                """, r => r.GetInt64(0), cancellationToken, ("before", before.ToUnixTimeMilliseconds()), ("limit", limit));
            if (ids.Count > 0)
            {
                await ExecuteAsync(connection, tx, "DELETE FROM webhook_attempts WHERE delivery_id = ANY(@ids)", cancellationToken, ("ids", ids.ToArray()));
                await ExecuteAsync(connection, tx, "DELETE FROM webhook_deliveries WHERE id = ANY(@ids)", cancellationToken, ("ids", ids.ToArray()));
            }
            return ids.Count;
        }, cancellationToken);

    public Task<int> PruneEventsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            // Placed events only (one still queued is not in the stream yet), never the newest: the relay numbers on from it.
            var ids = await QueryAsync(connection, tx, """
                SELECT e.id FROM payment_events e JOIN event_positions p ON p.event_id = e.id
                WHERE e.time < @before AND p.sequence < (SELECT max(sequence) FROM event_positions)
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
                ORDER BY e.id LIMIT @limit
                """, r => r.GetInt64(0), cancellationToken, ("before", before.ToUnixTimeMilliseconds()), ("limit", limit));
            if (ids.Count > 0)
            {
                await ExecuteAsync(connection, tx, "DELETE FROM event_positions WHERE event_id = ANY(@ids)", cancellationToken, ("ids", ids.ToArray()));
                await ExecuteAsync(connection, tx, "DELETE FROM payment_events WHERE id = ANY(@ids)", cancellationToken, ("ids", ids.ToArray()));
            }
            return ids.Count;
        }, cancellationToken);

    public Task<int> PruneNotificationReceiptsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx, """
            DELETE FROM channel_notifications WHERE ctid IN (SELECT ctid FROM channel_notifications WHERE first_time < @before LIMIT @limit)
            """, cancellationToken, ("before", before.ToUnixTimeMilliseconds()), ("limit", limit)), cancellationToken);
}
