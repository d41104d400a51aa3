using Paygate.Gateway.Payments;
using Paygate.Gateway.Retention;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Retention in the SQLite file: each batch one unit of the writer. AUTOINCREMENT keeps event sequences from being reused.</summary>
public sealed class SqliteRetentionStore(SqliteDatabase database) : IRetentionStore
{
    public Task<int> PruneDeliveriesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var ids = Query(connection, tx, """
                SELECT id FROM webhook_deliveries WHERE state IN ($delivered, $failed) AND create_time < $before ORDER BY id LIMIT $limit
                """, r => r.GetInt64(0), ("$delivered", (int)WebhookDeliveryState.Delivered), ("$failed", (int)WebhookDeliveryState.Failed),
                ("$before", before.ToUnixTimeMilliseconds()), ("$limit", limit));
            foreach (var id in ids)
            {
                Execute(connection, tx, "DELETE FROM webhook_attempts WHERE delivery_id = $id", ("$id", id));
                Execute(connection, tx, "DELETE FROM webhook_deliveries WHERE id = $id", ("$id", id));
            }
            return ids.Count;
        });

    public Task<int> PruneEventsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx, """
            DELETE FROM payment_events WHERE sequence IN (
                SELECT e.sequence FROM payment_events e
                WHERE e.time < $before AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_sequence = e.sequence)
                ORDER BY e.sequence LIMIT $limit)
            """, ("$before", before.ToUnixTimeMilliseconds()), ("$limit", limit)));

    public Task<int> PruneNotificationReceiptsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx, """
            DELETE FROM channel_notifications WHERE rowid IN (SELECT rowid FROM channel_notifications WHERE first_time < $before LIMIT $limit)
            """, ("$before", before.ToUnixTimeMilliseconds()), ("$limit", limit)));
}
