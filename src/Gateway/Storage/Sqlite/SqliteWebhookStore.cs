using Microsoft.Data.Sqlite;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;
using static Paygate.Gateway.Storage.StoreRows;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Webhook endpoints and deliveries in the gateway's SQLite database (schema v4): writes through the single writer.</summary>
public sealed class SqliteWebhookStore(SqliteDatabase database) : IWebhookStore
{
    public Task InsertEndpointAsync(WebhookEndpoint endpoint, string sealedSecret, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, """
                INSERT INTO webhook_endpoints (id, merchant_id, url, description, event_types, secret_sealed, state, create_time)
                VALUES ($id, $merchant, $url, $description, $types, $secret, $state, $time)
                """, ("$id", endpoint.Id), ("$merchant", endpoint.MerchantId), ("$url", endpoint.Url), ("$description", endpoint.Description),
                ("$types", string.Join(',', endpoint.EventTypes)), ("$secret", sealedSecret), ("$state", (int)endpoint.State),
                ("$time", endpoint.CreateTime.ToUnixTimeMilliseconds()));
            SqliteAudit.Write(connection, tx, audit);
        });

    public Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string merchantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookEndpoint>>(database.Read(connection => Query(connection, null,
            EndpointColumns + "WHERE merchant_id = $m ORDER BY create_time DESC, id DESC", Endpoint, ("$m", merchantId))));

    public Task<WebhookEndpoint?> DeleteEndpointAsync(string merchantId, string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var endpoint = Query(connection, tx, EndpointColumns + "WHERE id = $id AND merchant_id = $m", Endpoint, ("$id", id), ("$m", merchantId)).SingleOrDefault();
            if (endpoint is null)
            {
                return null;
            }
            Execute(connection, tx, "UPDATE webhook_endpoints SET state = $deleted WHERE id = $id", ("$deleted", (int)WebhookEndpointState.Deleted), ("$id", id));
            Execute(connection, tx, "UPDATE webhook_deliveries SET state = $failed, next_attempt_time = $now WHERE endpoint_id = $id AND state = $pending",
                ("$failed", (int)WebhookDeliveryState.Failed), ("$now", now.ToUnixTimeMilliseconds()), ("$id", id), ("$pending", (int)WebhookDeliveryState.Pending));
            if (endpoint.State != WebhookEndpointState.Deleted)
            {
                SqliteAudit.Write(connection, tx, audit);
            }
            return endpoint with { State = WebhookEndpointState.Deleted };
        });

    public Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken) =>
        // One unit of the writer: the look-up and the claim are one step.
        database.WriteAsync<IReadOnlyList<DueDelivery>>((connection, tx) =>
        {
            var due = Query(connection, tx, """
                SELECT d.id, d.endpoint_id, w.url, w.secret_sealed, d.attempts, d.create_time,
                       e.sequence, e.payment_id, e.type, e.state, e.time, e.snapshot, e.refund_id, e.detail
                FROM webhook_deliveries d
                JOIN webhook_endpoints w ON w.id = d.endpoint_id
                JOIN payment_events e ON e.sequence = d.event_sequence
                WHERE d.state = $pending AND d.next_attempt_time <= $now AND w.state = $enabled
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                  WHERE p.endpoint_id = d.endpoint_id AND p.payment_id = d.payment_id AND p.state = $pending
                                    AND p.event_sequence < d.event_sequence)
                ORDER BY d.event_sequence LIMIT $limit
                """, Due,
                ("$pending", (int)WebhookDeliveryState.Pending), ("$now", now.ToUnixTimeMilliseconds()),
                ("$enabled", (int)WebhookEndpointState.Enabled), ("$limit", limit));
            foreach (var delivery in due)
            {
                Execute(connection, tx, "UPDATE webhook_deliveries SET next_attempt_time = $lease WHERE id = $id", ("$lease", leaseUntil.ToUnixTimeMilliseconds()), ("$id", delivery.Id));
            }
            return due;
        });

    public Task RecordAttemptAsync(long deliveryId, WebhookAttempt attempt, WebhookDeliveryState state, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, """
                INSERT INTO webhook_attempts (delivery_id, number, time, http_status, error, duration_ms) VALUES ($id, $n, $time, $status, $error, $ms)
                ON CONFLICT (delivery_id, number) DO NOTHING
                """, ("$id", deliveryId), ("$n", attempt.Number), ("$time", attempt.Time.ToUnixTimeMilliseconds()),
                ("$status", attempt.HttpStatus), ("$error", attempt.Error), ("$ms", attempt.DurationMs));
            // A delivery given up (endpoint deleted) meanwhile stays as it is.
            Execute(connection, tx, """
                UPDATE webhook_deliveries SET state = $state, attempts = $n, next_attempt_time = $next WHERE id = $id AND state = $pending
                """, ("$state", (int)state), ("$n", attempt.Number), ("$next", nextAttemptTime.ToUnixTimeMilliseconds()),
                ("$id", deliveryId), ("$pending", (int)WebhookDeliveryState.Pending));
        });

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string merchantId, string? endpointId, string? paymentId, long? beforeId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>(database.Read(connection =>
        {
            var rows = Query(connection, null, """
                SELECT d.id, d.endpoint_id, d.event_sequence, e.type, d.payment_id, d.state, d.next_attempt_time, d.create_time
                FROM webhook_deliveries d JOIN payment_events e ON e.sequence = d.event_sequence
                JOIN webhook_endpoints w ON w.id = d.endpoint_id
                WHERE w.merchant_id = $merchant AND ($endpoint IS NULL OR d.endpoint_id = $endpoint) AND ($payment IS NULL OR d.payment_id = $payment)
                  AND ($before IS NULL OR d.id < $before)
                ORDER BY d.id DESC LIMIT $limit
                """, r => (Id: r.GetInt64(0), Endpoint: r.GetString(1), Sequence: r.GetInt64(2), Type: r.GetString(3), Payment: r.GetString(4),
                    State: r.GetInt32(5), Next: r.GetInt64(6), Create: r.GetInt64(7)),
                ("$merchant", merchantId), ("$endpoint", endpointId), ("$payment", paymentId), ("$before", beforeId), ("$limit", limit));
            // Every try of the page's deliveries in one query.
            var attempts = rows.Count == 0 ? [] : Query(connection, null, $"""
                SELECT delivery_id, number, time, http_status, error, duration_ms FROM webhook_attempts
                WHERE delivery_id IN ({string.Join(", ", rows.Select((_, i) => "$d" + i))}) ORDER BY delivery_id, number
                """, r => (Delivery: r.GetInt64(0), Attempt: Attempt(r, 1)),
                [.. rows.Select((row, i) => ("$d" + i, (object?)row.Id))]);
            var byDelivery = attempts.GroupBy(a => a.Delivery).ToDictionary(g => g.Key, g => (IReadOnlyList<WebhookAttempt>)g.Select(a => a.Attempt).ToList());
            return rows.Select(row => new WebhookDelivery(row.Id, row.Endpoint, row.Sequence, row.Type, row.Payment, (WebhookDeliveryState)row.State,
                DateTimeOffset.FromUnixTimeMilliseconds(row.Next), DateTimeOffset.FromUnixTimeMilliseconds(row.Create), byDelivery.GetValueOrDefault(row.Id) ?? [])).ToList();
        }));
}
