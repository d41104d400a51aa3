using Npgsql;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;
using static Paygate.Gateway.Storage.StoreRows;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Webhook endpoints and deliveries in the shared database. Instances claim due deliveries with <c>FOR UPDATE SKIP LOCKED</c>
/// and a lease (the next try time), so each is sent by one instance; a claim whose instance died is due again when it lapses.
/// A delivery is handed out once its event has a stream position (its id in the payload).
/// </summary>
public sealed class PostgresWebhookStore(PostgresDatabase database, PostgresEventRelay relay) : IWebhookStore
{
    public Task InsertEndpointAsync(WebhookEndpoint endpoint, string sealedSecret, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO webhook_endpoints (id, merchant_id, url, description, event_types, secret_sealed, state, create_time)
                VALUES (@id, @merchant, @url, @description, @types, @secret, @state, @time)
                """, cancellationToken, ("id", endpoint.Id), ("merchant", endpoint.MerchantId), ("url", endpoint.Url), ("description", endpoint.Description),
                ("types", string.Join(',', endpoint.EventTypes)), ("secret", sealedSecret), ("state", (int)endpoint.State),
                ("time", endpoint.CreateTime.ToUnixTimeMilliseconds()));
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string merchantId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            EndpointColumns + "WHERE merchant_id = @m ORDER BY create_time DESC, id DESC", Endpoint, cancellationToken, ("m", merchantId)), cancellationToken);

    public Task<WebhookEndpoint?> DeleteEndpointAsync(string merchantId, string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var endpoint = (await QueryAsync(connection, tx, EndpointColumns + "WHERE id = @id AND merchant_id = @m FOR UPDATE", Endpoint, cancellationToken,
                ("id", id), ("m", merchantId))).SingleOrDefault();
            if (endpoint is null)
            {
                return null;
            }
            await ExecuteAsync(connection, tx, "UPDATE webhook_endpoints SET state = @deleted WHERE id = @id", cancellationToken,
                ("deleted", (int)WebhookEndpointState.Deleted), ("id", id));
            await ExecuteAsync(connection, tx, "UPDATE webhook_deliveries SET state = @failed, next_attempt_time = @now WHERE endpoint_id = @id AND state = @pending",
                cancellationToken, ("failed", (int)WebhookDeliveryState.Failed), ("now", now.ToUnixTimeMilliseconds()), ("id", id), ("pending", (int)WebhookDeliveryState.Pending));
            if (endpoint.State != WebhookEndpointState.Deleted)
            {
                await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
            }
            return endpoint with { State = WebhookEndpointState.Deleted };
        }, cancellationToken);

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken)
    {
        await relay.RelayedAsync(cancellationToken);
        return await database.WriteAsync<IReadOnlyList<DueDelivery>>(async (connection, tx) =>
        {
            // A delivery waits for every older pending one of its endpoint and payment (a payment's events arrive in order),
            // even one another instance holds; rows another instance is claiming right now are skipped, not waited for.
            var due = await QueryAsync(connection, tx, $"""
                SELECT d.id, d.endpoint_id, w.url, w.secret_sealed, d.attempts, d.create_time, {PostgresPaymentStore.EventColumns}
                FROM webhook_deliveries d
                JOIN webhook_endpoints w ON w.id = d.endpoint_id
                JOIN event_positions p ON p.event_id = d.event_id
                JOIN payment_events e ON e.id = d.event_id
                WHERE d.state = {(int)WebhookDeliveryState.Pending} AND d.next_attempt_time <= @now AND w.state = @enabled
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o
                                  WHERE o.endpoint_id = d.endpoint_id AND o.payment_id = d.payment_id AND o.state = {(int)WebhookDeliveryState.Pending}
                                    AND o.event_id < d.event_id)
                ORDER BY d.event_id LIMIT @limit
                FOR UPDATE OF d SKIP LOCKED
                """, Due,
                cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("enabled", (int)WebhookEndpointState.Enabled), ("limit", limit));
            if (due.Count > 0)
            {
                await ExecuteAsync(connection, tx, "UPDATE webhook_deliveries SET next_attempt_time = @lease WHERE id = ANY(@ids)", cancellationToken,
                    ("lease", leaseUntil.ToUnixTimeMilliseconds()), ("ids", due.Select(d => d.Id).ToArray()));
            }
            return due;
        }, cancellationToken);
    }

    public Task RecordAttemptAsync(long deliveryId, WebhookAttempt attempt, WebhookDeliveryState state, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO webhook_attempts (delivery_id, number, time, http_status, error, duration_ms) VALUES (@id, @n, @time, @status, @error, @ms)
                ON CONFLICT (delivery_id, number) DO NOTHING
                """, cancellationToken, ("id", deliveryId), ("n", attempt.Number), ("time", attempt.Time.ToUnixTimeMilliseconds()),
                ("status", attempt.HttpStatus), ("error", attempt.Error), ("ms", attempt.DurationMs));
            // A delivery given up (endpoint deleted) meanwhile stays as it is.
            await ExecuteAsync(connection, tx, """
                UPDATE webhook_deliveries SET state = @state, attempts = @n, next_attempt_time = @next WHERE id = @id AND state = @pending
                """, cancellationToken, ("state", (int)state), ("n", attempt.Number), ("next", nextAttemptTime.ToUnixTimeMilliseconds()),
                ("id", deliveryId), ("pending", (int)WebhookDeliveryState.Pending));
        }, cancellationToken);

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string merchantId, string? endpointId, string? paymentId, long? beforeId, int limit,
        CancellationToken cancellationToken)
    {
        await relay.RelayedAsync(cancellationToken);
        return await database.ReadAsync(async connection =>
        {
            var where = new List<string> { "w.merchant_id = @merchant" };
            var parameters = new List<(string, object?)> { ("merchant", merchantId), ("limit", limit) };
            if (endpointId is not null)
            {
                where.Add("d.endpoint_id = @endpoint");
                parameters.Add(("endpoint", endpointId));
            }
            if (paymentId is not null)
            {
                where.Add("d.payment_id = @payment");
                parameters.Add(("payment", paymentId));
            }
            if (beforeId is not null)
            {
                where.Add("d.id < @before");
                parameters.Add(("before", beforeId.Value));
            }
            var rows = await QueryAsync(connection, null, $"""
                SELECT d.id, d.endpoint_id, p.sequence, e.type, d.payment_id, d.state, d.next_attempt_time, d.create_time
                FROM webhook_deliveries d JOIN payment_events e ON e.id = d.event_id JOIN event_positions p ON p.event_id = d.event_id
                JOIN webhook_endpoints w ON w.id = d.endpoint_id
                WHERE {string.Join(" AND ", where)}
                ORDER BY d.id DESC LIMIT @limit
                """, r => (Id: r.GetInt64(0), Endpoint: r.GetString(1), Sequence: r.GetInt64(2), Type: r.GetString(3), Payment: r.GetString(4),
                    State: r.GetInt32(5), Next: r.GetInt64(6), Create: r.GetInt64(7)), cancellationToken, [.. parameters]);
            // Every try of the page's deliveries in one query.
            var attempts = rows.Count == 0 ? [] : await QueryAsync(connection, null, """
                SELECT delivery_id, number, time, http_status, error, duration_ms FROM webhook_attempts
                WHERE delivery_id = ANY(@ids) ORDER BY delivery_id, number
                """, r => (Delivery: r.GetInt64(0), Attempt: Attempt(r, 1)), cancellationToken, ("ids", rows.Select(row => row.Id).ToArray()));
            var byDelivery = attempts.GroupBy(a => a.Delivery).ToDictionary(g => g.Key, g => (IReadOnlyList<WebhookAttempt>)g.Select(a => a.Attempt).ToList());
            return rows.Select(row => new WebhookDelivery(row.Id, row.Endpoint, row.Sequence, row.Type, row.Payment, (WebhookDeliveryState)row.State,
                DateTimeOffset.FromUnixTimeMilliseconds(row.Next), DateTimeOffset.FromUnixTimeMilliseconds(row.Create), byDelivery.GetValueOrDefault(row.Id) ?? [])).ToList();
        }, cancellationToken);
    }
}
