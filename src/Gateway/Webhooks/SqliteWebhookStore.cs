using Microsoft.Data.Sqlite;
using Paygate.Gateway.Storage;
using static Paygate.Gateway.Storage.SqliteDatabase;

namespace Paygate.Gateway.Webhooks;

/// <summary>Webhook endpoints and deliveries in the gateway's SQLite database (schema v4).</summary>
public sealed class SqliteWebhookStore(SqliteDatabase database) : IWebhookStore
{
    public async Task InsertEndpointAsync(WebhookEndpoint endpoint, string sealedSecret, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO webhook_endpoints (id, url, description, event_types, secret_sealed, state, create_time)
            VALUES ($id, $url, $description, $types, $secret, $state, $time)
            """, cancellationToken, ("$id", endpoint.Id), ("$url", endpoint.Url), ("$description", endpoint.Description),
            ("$types", string.Join(',', endpoint.EventTypes)), ("$secret", sealedSecret), ("$state", (int)endpoint.State),
            ("$time", endpoint.CreateTime.ToUnixTimeMilliseconds()));
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadEndpointsAsync(connection, null, "ORDER BY create_time DESC, id DESC", cancellationToken);
    }

    public async Task<WebhookEndpoint?> DeleteEndpointAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, tx, "UPDATE webhook_endpoints SET state = $deleted WHERE id = $id", cancellationToken,
            ("$deleted", (int)WebhookEndpointState.Deleted), ("$id", id));
        await ExecuteAsync(connection, tx, "UPDATE webhook_deliveries SET state = $failed, next_attempt_time = $now WHERE endpoint_id = $id AND state = $pending",
            cancellationToken, ("$failed", (int)WebhookDeliveryState.Failed), ("$now", now.ToUnixTimeMilliseconds()), ("$id", id), ("$pending", (int)WebhookDeliveryState.Pending));
        var endpoint = (await ReadEndpointsAsync(connection, tx, "WHERE id = $id", cancellationToken, ("$id", id))).SingleOrDefault();
        await tx.CommitAsync(cancellationToken);
        return endpoint;
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // IMMEDIATE: the look-up and the claim are one step, also against another gateway instance on the same file.
        await using var tx = connection.BeginTransaction(deferred: false);
        var due = new List<DueDelivery>();
        await using (var command = Command(connection, tx, """
            SELECT d.id, d.endpoint_id, w.url, w.secret_sealed, d.attempts, d.create_time,
                   e.sequence, e.payment_id, e.type, e.state, e.time, e.snapshot, e.refund_id
            FROM webhook_deliveries d
            JOIN webhook_endpoints w ON w.id = d.endpoint_id
            JOIN payment_events e ON e.sequence = d.event_sequence
            WHERE d.state = $pending AND d.next_attempt_time <= $now AND w.state = $enabled
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                              WHERE p.endpoint_id = d.endpoint_id AND p.payment_id = d.payment_id AND p.state = $pending
                                AND p.event_sequence < d.event_sequence)
            ORDER BY d.event_sequence LIMIT $limit
            """, ("$pending", (int)WebhookDeliveryState.Pending), ("$now", now.ToUnixTimeMilliseconds()),
            ("$enabled", (int)WebhookEndpointState.Enabled), ("$limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), SqlitePaymentStore.ReadEvent(reader, 6)));
            }
        }
        foreach (var delivery in due)
        {
            await ExecuteAsync(connection, tx, "UPDATE webhook_deliveries SET next_attempt_time = $lease WHERE id = $id", cancellationToken,
                ("$lease", leaseUntil.ToUnixTimeMilliseconds()), ("$id", delivery.Id));
        }
        await tx.CommitAsync(cancellationToken);
        return due;
    }

    public async Task RecordAttemptAsync(long deliveryId, WebhookAttempt attempt, WebhookDeliveryState state, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, tx, """
            INSERT INTO webhook_attempts (delivery_id, number, time, http_status, error, duration_ms) VALUES ($id, $n, $time, $status, $error, $ms)
            ON CONFLICT (delivery_id, number) DO NOTHING
            """, cancellationToken, ("$id", deliveryId), ("$n", attempt.Number), ("$time", attempt.Time.ToUnixTimeMilliseconds()),
            ("$status", attempt.HttpStatus), ("$error", attempt.Error), ("$ms", attempt.DurationMs));
        // A delivery given up (endpoint deleted) meanwhile stays as it is.
        await ExecuteAsync(connection, tx, """
            UPDATE webhook_deliveries SET state = $state, attempts = $n, next_attempt_time = $next WHERE id = $id AND state = $pending
            """, cancellationToken, ("$state", (int)state), ("$n", attempt.Number), ("$next", nextAttemptTime.ToUnixTimeMilliseconds()),
            ("$id", deliveryId), ("$pending", (int)WebhookDeliveryState.Pending));
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string? endpointId, string? paymentId, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = new List<(long Id, string Endpoint, long Sequence, string Type, string Payment, int State, long Next, long Create)>();
        await using (var command = Command(connection, null, """
            SELECT d.id, d.endpoint_id, d.event_sequence, e.type, d.payment_id, d.state, d.next_attempt_time, d.create_time
            FROM webhook_deliveries d JOIN payment_events e ON e.sequence = d.event_sequence
            WHERE ($endpoint IS NULL OR d.endpoint_id = $endpoint) AND ($payment IS NULL OR d.payment_id = $payment)
              AND ($before IS NULL OR d.id < $before)
            ORDER BY d.id DESC LIMIT $limit
            """, ("$endpoint", endpointId), ("$payment", paymentId), ("$before", beforeId), ("$limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt64(6), reader.GetInt64(7)));
            }
        }
        // Every try of the page's deliveries in one query.
        var attempts = new Dictionary<long, List<WebhookAttempt>>();
        if (rows.Count > 0)
        {
            await using var command = Command(connection, null, $"""
                SELECT delivery_id, number, time, http_status, error, duration_ms FROM webhook_attempts
                WHERE delivery_id IN ({string.Join(", ", rows.Select((_, i) => "$d" + i))}) ORDER BY delivery_id, number
                """, [.. rows.Select((r, i) => ("$d" + i, (object?)r.Id))]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!attempts.TryGetValue(id, out var list))
                {
                    attempts[id] = list = [];
                }
                list.Add(new WebhookAttempt(reader.GetInt32(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetInt32(3), reader.GetString(4), reader.GetInt64(5)));
            }
        }
        var deliveries = rows.Select(row => new WebhookDelivery(row.Id, row.Endpoint, row.Sequence, row.Type, row.Payment, (WebhookDeliveryState)row.State,
            DateTimeOffset.FromUnixTimeMilliseconds(row.Next), DateTimeOffset.FromUnixTimeMilliseconds(row.Create), attempts.GetValueOrDefault(row.Id) ?? [])).ToList();
        return deliveries;
    }

    private static async Task<IReadOnlyList<WebhookEndpoint>> ReadEndpointsAsync(SqliteConnection connection, SqliteTransaction? tx, string tail, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, "SELECT id, url, description, event_types, state, create_time FROM webhook_endpoints " + tail, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<WebhookEndpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var types = reader.GetString(3);
            endpoints.Add(new WebhookEndpoint(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                types.Length == 0 ? [] : types.Split(','), (WebhookEndpointState)reader.GetInt32(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }
        return endpoints;
    }
}
