using Microsoft.Extensions.Options;
using Npgsql;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// The shared store: every change of a payment is one transaction (the payment row with its version check, its attempts,
/// refunds, event and webhook outbox rows, and the operation's idempotency key), sent in as few round trips as the version
/// check allows. Events get their stream position from the relay after commit (<see cref="PostgresEventRelay"/>); a read of
/// the stream waits for a relay round first, so whoever heard of a change finds its event. Several gateway instances share
/// the store; the unique keys and the version decide races.
/// </summary>
public sealed class PostgresPaymentStore(PostgresDatabase database, PostgresEventRelay relay, IOptions<PaymentOptions>? options = null) : IPaymentStore
{
    /// <summary>An event with its stream position: from <c>event_positions p JOIN payment_events e</c>.</summary>
    internal const string EventColumns = "p.sequence, e.payment_id, e.type, e.state, e.time, e.snapshot, e.refund_id, e.detail";

    private const string PlacedEvents = "event_positions p JOIN payment_events e ON e.id = p.event_id";
    private readonly IReadOnlyList<TimeSpan> _payerQueries = options?.Value.AwaitingPayerSchedule ?? PaymentOptions.DefaultAwaitingPayerQueries;

    public Task InitializeAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string merchantId, string scope, string key, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => (await QueryAsync(connection, null,
            "SELECT fingerprint, payment_id, create_time FROM idempotency_keys WHERE merchant_id = @m AND scope = @s AND key = @k",
            r => new IdempotencyRecord(merchantId, scope, key, r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))),
            cancellationToken, ("m", merchantId), ("s", scope), ("k", key))).SingleOrDefault(), cancellationToken);

    public async Task InsertAsync(Payment payment, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        var row = new PaymentRow(payment, version: 1, _payerQueries, "");
        await database.WriteAsync(async (connection, tx) =>
        {
            // Booked to a sub-account: its budget is checked under a lock on it first, in this transaction (over budget: nothing written).
            var hold = payment.Group is null ? null : await PostgresGroupStore.HoldAsync(connection, tx, payment, cancellationToken);
            await using var batch = new NpgsqlBatch(connection, tx);
            if (idempotency is not null)
            {
                batch.BatchCommands.Add(IdempotencyInsert(idempotency));
            }
            batch.BatchCommands.Add(Batched("""
                INSERT INTO payments (id, merchant_id, state, create_time, update_time, expire_time, open_attempt, pending_refund, version, body, payer_query_time, group_id)
                VALUES (@id, @merchant, @state, @ct, @ut, @et, @open, @refund, @version, @body, @payer, @group)
                """, [.. row.Parameters, ("merchant", payment.MerchantId), ("group", payment.Group?.GroupId)]));
            if (hold is not null)
            {
                batch.BatchCommands.Add(hold);
            }
            AddAttemptsAndEvent(batch, payment, row, change);
            batch.BatchCommands.Add(CommitInBatch());
            await ExecuteIdempotentAsync(batch, idempotency, cancellationToken);
        }, cancellationToken, commitsItself: true);
        payment.Version = 1;
        relay.Wake();
    }

    public async Task<bool> TryUpdateAsync(Payment payment, long expectedVersion, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        var row = new PaymentRow(payment, expectedVersion + 1, _payerQueries, "");
        var saved = await database.WriteAsync(async (connection, tx) =>
        {
            // A booked payment that would count against its budget again (paid again after failing) must fit in it, decided in this
            // transaction like a new one; what it was at the expected version says whether it counted already (read before the
            // update, which can only succeed on that same version; none: it moved on, and the update would fail).
            PaymentState? stored = null;
            if (payment.Group is not null && BudgetHold.MaySpendAgain(payment.State))
            {
                stored = (await QueryAsync(connection, tx, "SELECT state FROM payments WHERE id = @id AND version = @expected", r => (PaymentState?)r.GetInt32(0),
                    cancellationToken, ("id", payment.Id), ("expected", expectedVersion))).SingleOrDefault();
                if (stored is null)
                {
                    return false;
                }
            }
            // The version check first, alone: its answer decides whether anything else is written. It is the transaction's
            // first write, so a later change of this payment (which must read this one's version) always commits after it.
            var changed = await ExecuteAsync(connection, tx, """
                UPDATE payments SET state = @state, update_time = @ut, open_attempt = @open, pending_refund = @refund, version = @version, body = @body,
                    next_check_time = 0, payer_query_time = @payer
                WHERE id = @id AND version = @expected
                """, cancellationToken, [.. row.Parameters, ("expected", expectedVersion)]);
            if (changed == 0)
            {
                return false;
            }
            if (stored is { } before && BudgetHold.MustFitAgain(before, payment.State))
            {
                // Over budget: throws, and the transaction is rolled back with the update.
                await PostgresGroupStore.FitAsync(connection, tx, payment, cancellationToken);
            }
            await using var batch = new NpgsqlBatch(connection, tx);
            if (idempotency is not null)
            {
                batch.BatchCommands.Add(IdempotencyInsert(idempotency));
            }
            AddAttemptsAndEvent(batch, payment, row, change);
            batch.BatchCommands.Add(CommitInBatch());
            await ExecuteIdempotentAsync(batch, idempotency, cancellationToken);
            return true;
        }, cancellationToken, commitsItself: true);
        if (saved)
        {
            payment.Version = expectedVersion + 1;
            relay.Wake();
        }
        return saved;
    }

    public Task<Payment?> GetAsync(string id, CancellationToken cancellationToken) =>
        FirstPaymentAsync("SELECT body, version FROM payments WHERE id = @id", cancellationToken, ("id", id));

    public Task<Payment?> FindByRefundIdAsync(string refundId, CancellationToken cancellationToken) =>
        FirstPaymentAsync("SELECT p.body, p.version FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = @id", cancellationToken, ("id", refundId));

    public Task<Payment?> FindByAttemptReferenceAsync(string channel, string reference, CancellationToken cancellationToken) =>
        FirstPaymentAsync("""
            SELECT p.body, p.version FROM attempts a JOIN payments p ON p.id = a.payment_id
            WHERE a.channel = @c AND a.reference = @r
            """, cancellationToken, ("c", channel), ("r", reference));

    public async Task<IReadOnlyList<Payment>> ListAsync(string merchantId, PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string> { "merchant_id = @merchant" };
        var parameters = new List<(string, object?)> { ("limit", limit), ("merchant", merchantId) };
        if (state is { } s)
        {
            where.Add("state = @state");
            parameters.Add(("state", (int)s));
        }
        if (after is not null)
        {
            where.Add("(create_time, id) < (@act, @aid)");
            parameters.Add(("act", after.CreateTime.ToUnixTimeMilliseconds()));
            parameters.Add(("aid", after.Id));
        }
        var sql = "SELECT body, version FROM payments WHERE " + string.Join(" AND ", where) + " ORDER BY create_time DESC, id DESC LIMIT @limit";
        return await ReadPaymentsAsync(sql, cancellationToken, [.. parameters]);
    }

    public async Task<IReadOnlyList<Payment>> ListCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, PageCursor? after,
        int limit, CancellationToken cancellationToken)
    {
        var where = new List<string> { "merchant_id = @merchant", "create_time >= @from", "create_time < @to" };
        var parameters = new List<(string, object?)>
        {
            ("limit", limit), ("merchant", merchantId), ("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds()),
        };
        if (groupId is not null)
        {
            where.Add("group_id = @group");
            parameters.Add(("group", groupId));
        }
        if (after is not null)
        {
            where.Add("(create_time, id) > (@act, @aid)");
            parameters.Add(("act", after.CreateTime.ToUnixTimeMilliseconds()));
            parameters.Add(("aid", after.Id));
        }
        var sql = "SELECT body, version FROM payments WHERE " + string.Join(" AND ", where) + " ORDER BY create_time, id LIMIT @limit";
        return await ReadPaymentsAsync(sql, cancellationToken, [.. parameters]);
    }

    public async Task<long> CountCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        (string, object?)[] parameters = [("merchant", merchantId), ("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds())];
        var sql = "SELECT COUNT(*) FROM payments WHERE merchant_id = @merchant AND create_time >= @from AND create_time < @to";
        if (groupId is not null)
        {
            sql += " AND group_id = @group";
            parameters = [.. parameters, ("group", groupId)];
        }
        return (long)(await database.ReadAsync(connection => ScalarAsync(connection, null, sql, cancellationToken, parameters), cancellationToken))!;
    }

    public async Task<IReadOnlyList<Payment>> ListNeedingAttentionAsync(DateTimeOffset now, DateTimeOffset pendingBefore, int limit, CancellationToken cancellationToken) =>
        // The states are literals so that the planner can use the partial indexes.
        await ReadPaymentsAsync($"""
            SELECT body, version FROM payments
            WHERE pending_refund = 1
               OR (state IN ({(int)PaymentState.Processing}, {(int)PaymentState.RequiresAction}, {(int)PaymentState.Failed}, {(int)PaymentState.AwaitingApproval}) AND next_check_time <= @now
                   AND (expire_time <= @now OR open_attempt = 2 OR (open_attempt = 1 AND update_time <= @pending)))
            ORDER BY expire_time LIMIT @limit
            """, cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("pending", pendingBefore.ToUnixTimeMilliseconds()), ("limit", limit));

    public Task DeferChecksAsync(string paymentId, long version, DateTimeOffset until, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx, "UPDATE payments SET next_check_time = @t WHERE id = @id AND version = @v", cancellationToken,
            ("t", until.ToUnixTimeMilliseconds()), ("id", paymentId), ("v", version)), cancellationToken);

    public async Task<IReadOnlyList<Payment>> ListPayerQueriesDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await ReadPaymentsAsync($"""
            SELECT body, version FROM payments
            WHERE payer_query_time > 0 AND payer_query_time <= @now AND state = {(int)PaymentState.RequiresAction}
            ORDER BY payer_query_time LIMIT @limit
            """, cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("limit", limit));

    public Task SchedulePayerQueryAsync(string paymentId, long version, DateTimeOffset? at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx, "UPDATE payments SET payer_query_time = @t WHERE id = @id AND version = @v", cancellationToken,
            ("t", at?.ToUnixTimeMilliseconds() ?? 0), ("id", paymentId), ("v", version)), cancellationToken);

    public async Task<IReadOnlyList<PaymentEvent>> EventsAsync(string paymentId, long afterSequence, CancellationToken cancellationToken)
    {
        await relay.RelayedAsync(cancellationToken);
        return await database.ReadAsync(connection => QueryAsync(connection, null,
            $"SELECT {EventColumns} FROM {PlacedEvents} WHERE p.payment_id = @id AND p.sequence > @after ORDER BY p.sequence",
            r => StoreRows.Event(r, 0), cancellationToken, ("id", paymentId), ("after", afterSequence)), cancellationToken);
    }

    public async Task<IReadOnlyList<PaymentEvent>> AllEventsAsync(string merchantId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await relay.RelayedAsync(cancellationToken);
        return await database.ReadAsync(connection => QueryAsync(connection, null,
            $"SELECT {EventColumns} FROM {PlacedEvents} WHERE p.merchant_id = @merchant AND p.sequence > @after ORDER BY p.sequence LIMIT @limit",
            r => StoreRows.Event(r, 0), cancellationToken, ("merchant", merchantId), ("after", afterSequence), ("limit", limit)), cancellationToken);
    }

    public Task<bool> NotificationSeenAsync(string channel, string notificationId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => await ScalarAsync(connection, null,
            "SELECT 1 FROM channel_notifications WHERE channel = @c AND notification_id = @n", cancellationToken, ("c", channel), ("n", notificationId)) is not null,
            cancellationToken);

    public Task RecordNotificationAsync(NotificationReceipt receipt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(ReceiptInsert(receipt));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>A notification's receipt; a second one with the same id (a repeat raced the first) counts as a repeat.</summary>
    private static NpgsqlBatchCommand ReceiptInsert(NotificationReceipt receipt) => Batched("""
        INSERT INTO channel_notifications (channel, notification_id, reference, first_time, repeats) VALUES (@c, @n, @r, @t, 0)
        ON CONFLICT (channel, notification_id) DO UPDATE SET repeats = channel_notifications.repeats + 1
        """, [("c", receipt.Channel), ("n", receipt.NotificationId), ("r", receipt.Reference), ("t", receipt.Time.ToUnixTimeMilliseconds())]);

    private static NpgsqlBatchCommand IdempotencyInsert(IdempotencyRecord record) => Batched("""
        INSERT INTO idempotency_keys (merchant_id, scope, key, fingerprint, payment_id, create_time) VALUES (@m, @s, @k, @f, @p, @t)
        """, [("m", record.MerchantId), ("s", record.Scope), ("k", record.Key), ("f", record.Fingerprint), ("p", record.PaymentId), ("t", record.CreateTime.ToUnixTimeMilliseconds())]);

    /// <summary>Runs a unit's statements in one round trip; the idempotency key's unique violation becomes <see cref="IdempotencyKeyTakenException"/>.</summary>
    private static async Task ExecuteIdempotentAsync(NpgsqlBatch batch, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (idempotency is not null && IsUniqueViolation(ex, "idempotency_keys_pkey"))
        {
            // The transaction is aborted: nothing of the unit is saved.
            throw new IdempotencyKeyTakenException(idempotency.Scope, idempotency.Key);
        }
    }

    private static void AddAttemptsAndEvent(NpgsqlBatch batch, Payment payment, PaymentRow row, PaymentChange change)
    {
        if (payment.Attempts.Count > 0)
        {
            batch.BatchCommands.Add(Batched("""
                INSERT INTO attempts (channel, reference, payment_id, attempt_id) SELECT c, r, @p, a FROM unnest(@c, @r, @a) AS t (c, r, a)
                ON CONFLICT (channel, reference) DO NOTHING
                """, [("p", payment.Id), ("c", payment.Attempts.Select(a => a.Channel).ToArray()), ("r", payment.Attempts.Select(a => a.Reference).ToArray()),
                ("a", payment.Attempts.Select(a => a.Id).ToArray())]));
        }
        if (payment.Refunds.Count > 0)
        {
            batch.BatchCommands.Add(Batched("""
                INSERT INTO refunds (id, payment_id) SELECT r, @p FROM unnest(@r) AS t (r) ON CONFLICT (id) DO NOTHING
                """, [("p", payment.Id), ("r", payment.Refunds.Select(r => r.Id).ToArray())]));
        }
        var time = payment.UpdateTime.ToUnixTimeMilliseconds();
        // The event and the outbox: one delivery per endpoint of the payment's merchant that wants this event, committed with the event or not at all.
        batch.BatchCommands.Add(Batched("""
            WITH e AS (
                INSERT INTO payment_events (payment_id, merchant_id, type, state, time, snapshot, refund_id, detail)
                VALUES (@p, @merchant, @type, @state, @time, @snapshot, @refund, @detail) RETURNING id),
            queued AS (INSERT INTO event_queue (event_id) SELECT id FROM e)
            INSERT INTO webhook_deliveries (endpoint_id, event_id, payment_id, state, attempts, next_attempt_time, create_time)
            SELECT w.id, e.id, @p, 1, 0, @time, @time FROM e CROSS JOIN webhook_endpoints w
            WHERE w.merchant_id = @merchant AND w.state = 1 AND (w.event_types = '' OR strpos(',' || w.event_types || ',', ',' || @type || ',') > 0)
            """, [("p", payment.Id), ("merchant", payment.MerchantId), ("type", change.Type), ("state", (int)payment.State), ("time", time), ("snapshot", row.Body),
            ("refund", change.RefundId), ("detail", change.Detail)]));
        if (change.Receipt is { } receipt)
        {
            batch.BatchCommands.Add(ReceiptInsert(receipt));
        }
        PostgresEvidenceChain.AddAppend(batch, payment, change.Type);
    }

    /// <summary>
    /// The unit's commit, sent in the batch's round trip: the evidence chain's lock, taken by the batch's last statements
    /// (<see cref="PostgresEvidenceChain"/>), is then held for the commit only, never across a round trip to this process
    /// (which, under load, waits for a thread). A statement that fails skips it, and the transaction is rolled back.
    /// </summary>
    private static NpgsqlBatchCommand CommitInBatch() => new("COMMIT");

    internal static NpgsqlBatchCommand Batched(string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value } : new NpgsqlParameter(name, value));
        }
        return command;
    }


    private async Task<Payment?> FirstPaymentAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        (await ReadPaymentsAsync(sql, cancellationToken, parameters)).SingleOrDefault();

    private Task<List<Payment>> ReadPaymentsAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        database.ReadAsync(connection => QueryAsync(connection, null, sql, r =>
        {
            var payment = PaymentJson.Deserialize(r.GetString(0));
            payment.Version = r.GetInt64(1);
            return payment;
        }, cancellationToken, parameters), cancellationToken);
}
