using static Paygate.Gateway.Storage.SqliteDatabase;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a committed change survives a crash.</summary>
public sealed class SqlitePaymentStore(SqliteDatabase database, IOptions<PaymentOptions>? options = null) : IPaymentStore
{
    private readonly IReadOnlyList<TimeSpan> _payerQueries = options?.Value.AwaitingPayerSchedule ?? PaymentOptions.DefaultAwaitingPayerQueries;

    public Task InitializeAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT fingerprint, payment_id, create_time FROM idempotency_keys WHERE scope = $s AND key = $k", ("$s", scope), ("$k", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new IdempotencyRecord(scope, key, reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
    }

    public async Task InsertAsync(Payment payment, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (idempotency is not null && !await TryInsertIdempotencyAsync(connection, tx, idempotency, cancellationToken))
        {
            throw new IdempotencyKeyTakenException(idempotency.Scope, idempotency.Key);
        }
        payment.Version = 1;
        await ExecuteAsync(connection, tx, """
            INSERT INTO payments (id, state, create_time, update_time, expire_time, open_attempt, pending_refund, version, body, payer_query_time)
            VALUES ($id, $state, $ct, $ut, $et, $open, $refund, $version, $body, $payer)
            """, cancellationToken, [.. PaymentParameters(payment), PayerQueryParameter(payment)]);
        await WriteAttemptsAndEventAsync(connection, tx, payment, change, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<bool> TryUpdateAsync(Payment payment, long expectedVersion, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (idempotency is not null && !await TryInsertIdempotencyAsync(connection, tx, idempotency, cancellationToken))
        {
            throw new IdempotencyKeyTakenException(idempotency.Scope, idempotency.Key);
        }
        payment.Version = expectedVersion + 1;
        var changed = await ExecuteAsync(connection, tx, """
            UPDATE payments SET state = $state, update_time = $ut, open_attempt = $open, pending_refund = $refund, version = $version, body = $body, next_check_time = 0,
                payer_query_time = $payer
            WHERE id = $id AND version = $expected
            """, cancellationToken, [.. PaymentParameters(payment), PayerQueryParameter(payment), ("$expected", expectedVersion)]);
        if (changed == 0)
        {
            payment.Version = expectedVersion;
            return false;
        }
        await WriteAttemptsAndEventAsync(connection, tx, payment, change, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<Payment?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var list = await ReadPaymentsAsync(connection, "SELECT body, version FROM payments WHERE id = $id", cancellationToken, ("$id", id));
        return list.SingleOrDefault();
    }

    public async Task<Payment?> FindByRefundIdAsync(string refundId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var list = await ReadPaymentsAsync(connection,
            "SELECT p.body, p.version FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $id", cancellationToken, ("$id", refundId));
        return list.SingleOrDefault();
    }

    public async Task<Payment?> FindByAttemptReferenceAsync(string channel, string reference, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var list = await ReadPaymentsAsync(connection, """
            SELECT p.body, p.version FROM attempts a JOIN payments p ON p.id = a.payment_id
            WHERE a.channel = $c AND a.reference = $r
            """, cancellationToken, ("$c", channel), ("$r", reference));
        return list.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Payment>> ListAsync(PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("$limit", limit) };
        if (state is { } s)
        {
            where.Add("state = $state");
            parameters.Add(("$state", (int)s));
        }
        if (after is not null)
        {
            where.Add("(create_time < $act OR (create_time = $act AND id < $aid))");
            parameters.Add(("$act", after.CreateTime.ToUnixTimeMilliseconds()));
            parameters.Add(("$aid", after.Id));
        }
        var sql = "SELECT body, version FROM payments"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY create_time DESC, id DESC LIMIT $limit";
        return await ReadPaymentsAsync(connection, sql, cancellationToken, [.. parameters]);
    }

    public async Task<IReadOnlyList<Payment>> ListNeedingAttentionAsync(DateTimeOffset now, DateTimeOffset pendingBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadPaymentsAsync(connection, """
            SELECT body, version FROM payments
            WHERE pending_refund = 1
               OR (state IN ($processing, $action, $failed) AND next_check_time <= $now
                   AND (expire_time <= $now OR open_attempt = 2 OR (open_attempt = 1 AND update_time <= $pending)))
            ORDER BY expire_time LIMIT $limit
            """, cancellationToken,
            ("$processing", (int)PaymentState.Processing), ("$action", (int)PaymentState.RequiresAction), ("$failed", (int)PaymentState.Failed),
            ("$now", now.ToUnixTimeMilliseconds()), ("$pending", pendingBefore.ToUnixTimeMilliseconds()), ("$limit", limit));
    }

    public async Task DeferChecksAsync(string paymentId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE payments SET next_check_time = $t WHERE id = $id", cancellationToken,
            ("$t", until.ToUnixTimeMilliseconds()), ("$id", paymentId));
    }

    public async Task<IReadOnlyList<Payment>> ListPayerQueriesDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadPaymentsAsync(connection, """
            SELECT body, version FROM payments
            WHERE payer_query_time > 0 AND payer_query_time <= $now AND state = $action
            ORDER BY payer_query_time LIMIT $limit
            """, cancellationToken, ("$now", now.ToUnixTimeMilliseconds()), ("$action", (int)PaymentState.RequiresAction), ("$limit", limit));
    }

    public async Task SchedulePayerQueryAsync(string paymentId, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE payments SET payer_query_time = $t WHERE id = $id", cancellationToken,
            ("$t", at?.ToUnixTimeMilliseconds() ?? 0), ("$id", paymentId));
    }

    public async Task<IReadOnlyList<PaymentEvent>> EventsAsync(string paymentId, long afterSequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadEventsAsync(connection, """
            SELECT sequence, payment_id, type, state, time, snapshot, refund_id FROM payment_events
            WHERE payment_id = $id AND sequence > $after ORDER BY sequence
            """, cancellationToken, ("$id", paymentId), ("$after", afterSequence));
    }

    public async Task<IReadOnlyList<PaymentEvent>> AllEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadEventsAsync(connection, """
            SELECT sequence, payment_id, type, state, time, snapshot, refund_id FROM payment_events
            WHERE sequence > $after ORDER BY sequence LIMIT $limit
            """, cancellationToken, ("$after", afterSequence), ("$limit", limit));
    }

    public async Task<bool> NotificationSeenAsync(string channel, string notificationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "UPDATE channel_notifications SET repeats = repeats + 1 WHERE channel = $c AND notification_id = $n",
            cancellationToken, ("$c", channel), ("$n", notificationId)) > 0;
    }

    public async Task RecordNotificationAsync(string channel, string notificationId, string reference, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO channel_notifications (channel, notification_id, reference, first_time, repeats) VALUES ($c, $n, $r, $t, 0)
            ON CONFLICT (channel, notification_id) DO NOTHING
            """, cancellationToken, ("$c", channel), ("$n", notificationId), ("$r", reference), ("$t", time.ToUnixTimeMilliseconds()));
    }

    private static async Task<IReadOnlyList<PaymentEvent>> ReadEventsAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<PaymentEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader, 0));
        }
        return events;
    }

    /// <summary>Reads an event from the columns sequence, payment_id, type, state, time, snapshot, refund_id starting at <paramref name="first"/>.</summary>
    internal static PaymentEvent ReadEvent(SqliteDataReader reader, int first) =>
        new(reader.GetInt64(first), reader.GetString(first + 1), reader.GetString(first + 2), (PaymentState)reader.GetInt32(first + 3),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 4)), reader.GetString(first + 5), reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6));

    private static async Task WriteAttemptsAndEventAsync(SqliteConnection connection, SqliteTransaction tx, Payment payment, PaymentChange change, CancellationToken cancellationToken)
    {
        foreach (var attempt in payment.Attempts)
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO attempts (channel, reference, payment_id, attempt_id) VALUES ($c, $r, $p, $a)
                ON CONFLICT (channel, reference) DO NOTHING
                """, cancellationToken, ("$c", attempt.Channel), ("$r", attempt.Reference), ("$p", payment.Id), ("$a", attempt.Id));
        }
        foreach (var refund in payment.Refunds)
        {
            await ExecuteAsync(connection, tx, "INSERT INTO refunds (id, payment_id) VALUES ($r, $p) ON CONFLICT (id) DO NOTHING",
                cancellationToken, ("$r", refund.Id), ("$p", payment.Id));
        }
        var sequence = await ScalarAsync(connection, tx, """
            INSERT INTO payment_events (payment_id, type, state, time, snapshot, refund_id) VALUES ($p, $type, $state, $time, $snapshot, $refund)
            RETURNING sequence
            """, cancellationToken, ("$p", payment.Id), ("$type", change.Type), ("$state", (int)payment.State),
            ("$time", payment.UpdateTime.ToUnixTimeMilliseconds()), ("$snapshot", PaymentJson.Serialize(payment)), ("$refund", change.RefundId));
        // The outbox: one delivery per webhook endpoint that wants this event, committed with the event or not at all.
        await ExecuteAsync(connection, tx, """
            INSERT INTO webhook_deliveries (endpoint_id, event_sequence, payment_id, state, attempts, next_attempt_time, create_time)
            SELECT id, $sequence, $p, 1, 0, $time, $time FROM webhook_endpoints
            WHERE state = 1 AND (event_types = '' OR instr(',' || event_types || ',', ',' || $type || ',') > 0)
            """, cancellationToken, ("$sequence", sequence), ("$p", payment.Id), ("$type", change.Type), ("$time", payment.UpdateTime.ToUnixTimeMilliseconds()));
    }

    private static async Task<bool> TryInsertIdempotencyAsync(SqliteConnection connection, SqliteTransaction? tx, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO idempotency_keys (scope, key, fingerprint, payment_id, create_time) VALUES ($s, $k, $f, $p, $t)
                """, cancellationToken, ("$s", record.Scope), ("$k", record.Key), ("$f", record.Fingerprint), ("$p", record.PaymentId),
                ("$t", record.CreateTime.ToUnixTimeMilliseconds()));
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteDatabase.ConstraintError)
        {
            return false;
        }
    }

    private static (string, object?)[] PaymentParameters(Payment payment) =>
    [
        ("$id", payment.Id), ("$state", (int)payment.State), ("$ct", payment.CreateTime.ToUnixTimeMilliseconds()),
        ("$ut", payment.UpdateTime.ToUnixTimeMilliseconds()), ("$et", payment.ExpireTime.ToUnixTimeMilliseconds()),
        ("$open", OpenAttemptMarker(payment)),
        ("$refund", payment.Attempts.Any(a => a.DuplicateRefund is { Done: false }) || payment.Refunds.Any(r => r.State == RefundState.Pending) ? 1 : 0),
        ("$version", payment.Version), ("$body", PaymentJson.Serialize(payment)),
    ];

    /// <summary>A payment waiting for its payer is first asked about at the schedule's next point after this change.</summary>
    private (string, object?) PayerQueryParameter(Payment payment) =>
        ("$payer", PayerQuerySchedule.Next(payment, _payerQueries, payment.UpdateTime)?.ToUnixTimeMilliseconds() ?? 0);

    /// <summary>2: an attempt's outcome is unknown (query it); 1: a call is in flight (query it if it stays so); 0: neither.</summary>
    private static int OpenAttemptMarker(Payment payment) =>
        payment.Attempts.Any(a => a.State == AttemptState.Unknown) ? 2
        : payment.Attempts.Any(a => a.State == AttemptState.Pending) ? 1
        : 0;

    private static async Task<List<Payment>> ReadPaymentsAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<Payment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var payment = PaymentJson.Deserialize(reader.GetString(0));
            payment.Version = reader.GetInt64(1);
            result.Add(payment);
        }
        return result;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);
}
