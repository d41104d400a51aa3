using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// The embedded store: every change of a payment is one unit of the database's single writer (the payment row, its
/// attempts, refunds, event and webhook outbox rows, the operation's idempotency key, and last its evidence link
/// (<see cref="SqliteEvidenceChain"/>) together); reads go to read-only connections. The payment is serialised once, on the
/// caller's thread, for both its row and its event.
/// </summary>
public sealed class SqlitePaymentStore(SqliteDatabase database, IOptions<PaymentOptions>? options = null) : IPaymentStore
{
    private readonly IReadOnlyList<TimeSpan> _payerQueries = options?.Value.AwaitingPayerSchedule ?? PaymentOptions.DefaultAwaitingPayerQueries;

    public Task InitializeAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string merchantId, string scope, string key, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null,
            "SELECT fingerprint, payment_id, create_time FROM idempotency_keys WHERE merchant_id = $m AND scope = $s AND key = $k",
            r => new IdempotencyRecord(merchantId, scope, key, r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))),
            ("$m", merchantId), ("$s", scope), ("$k", key)).SingleOrDefault()));

    public async Task InsertAsync(Payment payment, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        var row = new PaymentRow(payment, version: 1, _payerQueries, "$");
        await database.WriteAsync((connection, tx) =>
        {
            if (idempotency is not null && !TryInsertIdempotency(connection, tx, idempotency))
            {
                throw new IdempotencyKeyTakenException(idempotency.Scope, idempotency.Key);
            }
            Execute(connection, tx, """
                INSERT INTO payments (id, merchant_id, state, create_time, update_time, expire_time, open_attempt, pending_refund, version, body, payer_query_time, group_id)
                VALUES ($id, $merchant, $state, $ct, $ut, $et, $open, $refund, $version, $body, $payer, $group)
                """, [.. row.Parameters, ("$merchant", payment.MerchantId), ("$group", payment.Group?.GroupId)]);
            if (payment.Group is not null)
            {
                // Booked to a sub-account: its budget is held in this same unit (or the unit rolls back, over budget).
                SqliteGroupStore.Hold(connection, tx, payment);
            }
            WriteAttemptsAndEvent(connection, tx, payment, row, change);
            database.EvidenceChain.Append(connection, tx, payment, change.Type);
            return true;
        }, _ => database.RecentPayments.Committed(payment.Id, 1, row.Body));
        payment.Version = 1;
    }

    public async Task<bool> TryUpdateAsync(Payment payment, long expectedVersion, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        var row = new PaymentRow(payment, expectedVersion + 1, _payerQueries, "$");
        var saved = await database.WriteAsync((connection, tx) =>
        {
            // A booked payment that would count against its budget again (paid again after failing) must fit in it, decided in this
            // unit like a new one; what it was before this change says whether it counted already.
            var stored = payment.Group is not null && BudgetHold.MaySpendAgain(payment.State)
                ? Query(connection, tx, "SELECT state FROM payments WHERE id = $id AND version = $expected", r => (PaymentState?)r.GetInt32(0),
                    ("$id", payment.Id), ("$expected", expectedVersion)).SingleOrDefault()
                : null;
            var changed = Execute(connection, tx, """
                UPDATE payments SET state = $state, update_time = $ut, open_attempt = $open, pending_refund = $refund, version = $version, body = $body, next_check_time = 0,
                    payer_query_time = $payer
                WHERE id = $id AND version = $expected
                """, [.. row.Parameters, ("$expected", expectedVersion)]);
            if (changed == 0)
            {
                // Someone saved it meanwhile: whatever this process remembers of it may be old, the file is right.
                database.RecentPayments.Forget(payment.Id);
                return false;
            }
            if (stored is { } before && BudgetHold.MustFitAgain(before, payment.State))
            {
                // Over budget: throws, and the unit's rollback takes the update back.
                SqliteGroupStore.Fit(connection, tx, payment);
            }
            // After the update: a key already taken throws, and the unit's rollback takes the update back too.
            if (idempotency is not null && !TryInsertIdempotency(connection, tx, idempotency))
            {
                throw new IdempotencyKeyTakenException(idempotency.Scope, idempotency.Key);
            }
            WriteAttemptsAndEvent(connection, tx, payment, row, change);
            database.EvidenceChain.Append(connection, tx, payment, change.Type);
            return true;
        }, saved =>
        {
            if (saved)
            {
                database.RecentPayments.Committed(payment.Id, expectedVersion + 1, row.Body);
            }
        });
        if (saved)
        {
            payment.Version = expectedVersion + 1;
        }
        return saved;
    }

    public Task<Payment?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (database.RecentPayments.TryGet(id, out var version, out var body))
        {
            var payment = PaymentJson.Deserialize(body);
            payment.Version = version;
            return Task.FromResult<Payment?>(payment);
        }
        return Task.FromResult(ReadPayments("SELECT body, version FROM payments WHERE id = $id", ("$id", id)).SingleOrDefault());
    }

    public Task<Payment?> FindByRefundIdAsync(string refundId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadPayments("SELECT p.body, p.version FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $id", ("$id", refundId)).SingleOrDefault());

    public Task<Payment?> FindByAttemptReferenceAsync(string channel, string reference, CancellationToken cancellationToken) =>
        Task.FromResult(ReadPayments("""
            SELECT p.body, p.version FROM attempts a JOIN payments p ON p.id = a.payment_id
            WHERE a.channel = $c AND a.reference = $r
            """, ("$c", channel), ("$r", reference)).SingleOrDefault());

    public Task<IReadOnlyList<Payment>> ListAsync(string merchantId, PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string> { "merchant_id = $merchant" };
        var parameters = new List<(string, object?)> { ("$limit", limit), ("$merchant", merchantId) };
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
        var sql = "SELECT body, version FROM payments WHERE " + string.Join(" AND ", where)
            + " ORDER BY create_time DESC, id DESC LIMIT $limit";
        return Task.FromResult<IReadOnlyList<Payment>>(ReadPayments(sql, [.. parameters]));
    }

    public Task<IReadOnlyList<Payment>> ListCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, PageCursor? after, int limit,
        CancellationToken cancellationToken)
    {
        var where = new List<string> { "merchant_id = $merchant", "create_time >= $from", "create_time < $to" };
        var parameters = new List<(string, object?)>
        {
            ("$limit", limit), ("$merchant", merchantId), ("$from", from.ToUnixTimeMilliseconds()), ("$to", to.ToUnixTimeMilliseconds()),
        };
        if (groupId is not null)
        {
            where.Add("group_id = $group");
            parameters.Add(("$group", groupId));
        }
        if (after is not null)
        {
            where.Add("(create_time > $act OR (create_time = $act AND id > $aid))");
            parameters.Add(("$act", after.CreateTime.ToUnixTimeMilliseconds()));
            parameters.Add(("$aid", after.Id));
        }
        var sql = "SELECT body, version FROM payments WHERE " + string.Join(" AND ", where) + " ORDER BY create_time, id LIMIT $limit";
        return Task.FromResult<IReadOnlyList<Payment>>(ReadPayments(sql, [.. parameters]));
    }

    public Task<long> CountCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        (string, object?)[] parameters = [("$merchant", merchantId), ("$from", from.ToUnixTimeMilliseconds()), ("$to", to.ToUnixTimeMilliseconds())];
        var sql = "SELECT COUNT(*) FROM payments WHERE merchant_id = $merchant AND create_time >= $from AND create_time < $to";
        if (groupId is not null)
        {
            sql += " AND group_id = $group";
            parameters = [.. parameters, ("$group", groupId)];
        }
        return Task.FromResult((long)database.Read(connection => Scalar(connection, null, sql, parameters))!);
    }

    public Task<IReadOnlyList<Payment>> ListNeedingAttentionAsync(DateTimeOffset now, DateTimeOffset pendingBefore, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Payment>>(ReadPayments("""
            SELECT body, version FROM payments
            WHERE pending_refund = 1
               OR (state IN ($processing, $action, $failed, $awaiting) AND next_check_time <= $now
                   AND (expire_time <= $now OR open_attempt = 2 OR (open_attempt = 1 AND update_time <= $pending)))
            ORDER BY expire_time LIMIT $limit
            """,
            ("$processing", (int)PaymentState.Processing), ("$action", (int)PaymentState.RequiresAction), ("$failed", (int)PaymentState.Failed), ("$awaiting", (int)PaymentState.AwaitingApproval),
            ("$now", now.ToUnixTimeMilliseconds()), ("$pending", pendingBefore.ToUnixTimeMilliseconds()), ("$limit", limit)));

    public Task DeferChecksAsync(string paymentId, long version, DateTimeOffset until, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx, "UPDATE payments SET next_check_time = $t WHERE id = $id AND version = $v",
            ("$t", until.ToUnixTimeMilliseconds()), ("$id", paymentId), ("$v", version)));

    public Task<IReadOnlyList<Payment>> ListPayerQueriesDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Payment>>(ReadPayments("""
            SELECT body, version FROM payments
            WHERE payer_query_time > 0 AND payer_query_time <= $now AND state = $action
            ORDER BY payer_query_time LIMIT $limit
            """, ("$now", now.ToUnixTimeMilliseconds()), ("$action", (int)PaymentState.RequiresAction), ("$limit", limit)));

    public Task SchedulePayerQueryAsync(string paymentId, long version, DateTimeOffset? at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx, "UPDATE payments SET payer_query_time = $t WHERE id = $id AND version = $v",
            ("$t", at?.ToUnixTimeMilliseconds() ?? 0), ("$id", paymentId), ("$v", version)));

    public Task<IReadOnlyList<PaymentEvent>> EventsAsync(string paymentId, long afterSequence, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PaymentEvent>>(database.Read(connection => Query(connection, null, """
            SELECT sequence, payment_id, type, state, time, snapshot, refund_id, detail FROM payment_events
            WHERE payment_id = $id AND sequence > $after ORDER BY sequence
            """, r => StoreRows.Event(r, 0), ("$id", paymentId), ("$after", afterSequence))));

    public Task<IReadOnlyList<PaymentEvent>> AllEventsAsync(string merchantId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PaymentEvent>>(database.Read(connection => Query(connection, null, """
            SELECT sequence, payment_id, type, state, time, snapshot, refund_id, detail FROM payment_events
            WHERE merchant_id = $merchant AND sequence > $after ORDER BY sequence LIMIT $limit
            """, r => StoreRows.Event(r, 0), ("$merchant", merchantId), ("$after", afterSequence), ("$limit", limit))));

    public Task<bool> NotificationSeenAsync(string channel, string notificationId, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Scalar(connection, null,
            "SELECT 1 FROM channel_notifications WHERE channel = $c AND notification_id = $n", ("$c", channel), ("$n", notificationId)) is not null));

    public Task RecordNotificationAsync(NotificationReceipt receipt, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => WriteReceipt(connection, tx, receipt));

    /// <summary>A notification's receipt; a second one with the same id (a repeat raced the first) counts as a repeat.</summary>
    private static void WriteReceipt(SqliteConnection connection, SqliteTransaction tx, NotificationReceipt receipt) =>
        Execute(connection, tx, """
            INSERT INTO channel_notifications (channel, notification_id, reference, first_time, repeats) VALUES ($c, $n, $r, $t, 0)
            ON CONFLICT (channel, notification_id) DO UPDATE SET repeats = repeats + 1
            """, ("$c", receipt.Channel), ("$n", receipt.NotificationId), ("$r", receipt.Reference), ("$t", receipt.Time.ToUnixTimeMilliseconds()));

    private static void WriteAttemptsAndEvent(SqliteConnection connection, SqliteTransaction tx, Payment payment, PaymentRow row, PaymentChange change)
    {
        foreach (var attempt in payment.Attempts)
        {
            Execute(connection, tx, """
                INSERT INTO attempts (channel, reference, payment_id, attempt_id) VALUES ($c, $r, $p, $a)
                ON CONFLICT (channel, reference) DO NOTHING
                """, ("$c", attempt.Channel), ("$r", attempt.Reference), ("$p", payment.Id), ("$a", attempt.Id));
        }
        foreach (var refund in payment.Refunds)
        {
            Execute(connection, tx, "INSERT INTO refunds (id, payment_id) VALUES ($r, $p) ON CONFLICT (id) DO NOTHING", ("$r", refund.Id), ("$p", payment.Id));
        }
        var time = payment.UpdateTime.ToUnixTimeMilliseconds();
        var sequence = Scalar(connection, tx, """
            INSERT INTO payment_events (payment_id, merchant_id, type, state, time, snapshot, refund_id, detail)
            VALUES ($p, $merchant, $type, $state, $time, $snapshot, $refund, $detail)
            RETURNING sequence
            """, ("$p", payment.Id), ("$merchant", payment.MerchantId), ("$type", change.Type), ("$state", (int)payment.State), ("$time", time), ("$snapshot", row.Body),
            ("$refund", change.RefundId), ("$detail", change.Detail));
        // The outbox: one delivery per endpoint of the payment's merchant that wants this event, committed with the event or not at all.
        Execute(connection, tx, """
            INSERT INTO webhook_deliveries (endpoint_id, event_sequence, payment_id, state, attempts, next_attempt_time, create_time)
            SELECT id, $sequence, $p, 1, 0, $time, $time FROM webhook_endpoints
            WHERE merchant_id = $merchant AND state = 1 AND (event_types = '' OR instr(',' || event_types || ',', ',' || $type || ',') > 0)
            """, ("$sequence", sequence), ("$p", payment.Id), ("$merchant", payment.MerchantId), ("$type", change.Type), ("$time", time));
        if (change.Receipt is { } receipt)
        {
            WriteReceipt(connection, tx, receipt);
        }
    }

    private static bool TryInsertIdempotency(SqliteConnection connection, SqliteTransaction tx, IdempotencyRecord record)
    {
        try
        {
            Execute(connection, tx, """
                INSERT INTO idempotency_keys (merchant_id, scope, key, fingerprint, payment_id, create_time) VALUES ($m, $s, $k, $f, $p, $t)
                """, ("$m", record.MerchantId), ("$s", record.Scope), ("$k", record.Key), ("$f", record.Fingerprint), ("$p", record.PaymentId), ("$t", record.CreateTime.ToUnixTimeMilliseconds()));
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == ConstraintError)
        {
            return false;
        }
    }


    private List<Payment> ReadPayments(string sql, params (string, object?)[] parameters) =>
        database.Read(connection => Query(connection, null, sql, r =>
        {
            var payment = PaymentJson.Deserialize(r.GetString(0));
            payment.Version = r.GetInt64(1);
            return payment;
        }, parameters));
}
