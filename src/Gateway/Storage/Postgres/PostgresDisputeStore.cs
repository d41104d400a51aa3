using Npgsql;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Disputes, their evidence content and payouts, and the screening's record, in the shared database (schema v7). Two instances
/// opening the same card dispute, or screening the same success, at once: the unique keys let one write, the other is told it lost.
/// </summary>
public sealed class PostgresDisputeStore(PostgresDatabase database) : IDisputeStore
{
    private const string Columns = "SELECT body, version, published_through FROM disputes";

    public Task<bool> TryInsertAsync(Dispute dispute, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => InsertAsync(connection, tx, dispute, cancellationToken), cancellationToken);

    private static async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Dispute dispute, CancellationToken cancellationToken)
    {
        var inserted = await ExecuteAsync(connection, tx, """
            INSERT INTO disputes (id, merchant_id, payment_id, state, level, acquirer_dispute_id, create_time, due_time, due_breached, history_count,
                published_through, version, body)
            VALUES (@id, @merchant, @payment, @state, @level, @acquirer, @ct, @due, @breached, @history, 0, 1, @body)
            ON CONFLICT DO NOTHING
            """, cancellationToken, ("id", dispute.Id), ("merchant", dispute.MerchantId), ("payment", dispute.PaymentId), ("state", (long)dispute.State),
            ("level", (long)dispute.Level), ("acquirer", dispute.AcquirerDisputeId), ("ct", dispute.CreateTime.ToUnixTimeMilliseconds()),
            ("due", dispute.DueTime.ToUnixTimeMilliseconds()), ("breached", dispute.DueBreached ? 1L : 0L), ("history", (long)dispute.History.Count),
            ("body", DisputeJson.Serialize(dispute)));
        if (inserted == 0)
        {
            return false;
        }
        dispute.Version = 1;
        return true;
    }

    public async Task<Dispute?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, Columns + " WHERE id = @id", Row, cancellationToken, ("id", id)), cancellationToken))
            .SingleOrDefault();

    public async Task<Dispute?> FindByAcquirerIdAsync(string acquirerDisputeId, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, Columns + " WHERE acquirer_dispute_id = @a", Row, cancellationToken,
            ("a", acquirerDisputeId)), cancellationToken)).SingleOrDefault();

    public async Task<bool> TryUpdateAsync(Dispute dispute, long expectedVersion, DisputeEvidenceContent? evidence, DisputePayout? payout, CancellationToken cancellationToken)
    {
        var saved = await database.WriteAsync(async (connection, tx) =>
        {
            var changed = await ExecuteAsync(connection, tx, """
                UPDATE disputes SET state = @state, level = @level, due_time = @due, due_breached = @breached, history_count = @history,
                    version = @version, body = @body
                WHERE id = @id AND version = @expected
                """, cancellationToken, ("state", (long)dispute.State), ("level", (long)dispute.Level), ("due", dispute.DueTime.ToUnixTimeMilliseconds()),
                ("breached", dispute.DueBreached ? 1L : 0L), ("history", (long)dispute.History.Count), ("version", expectedVersion + 1),
                ("body", DisputeJson.Serialize(dispute)), ("id", dispute.Id), ("expected", expectedVersion));
            if (changed == 0)
            {
                return false;
            }
            if (evidence is not null)
            {
                await ExecuteAsync(connection, tx, "INSERT INTO dispute_evidence (id, dispute_id, content) VALUES (@id, @dispute, @content)", cancellationToken,
                    ("id", evidence.EvidenceId), ("dispute", evidence.DisputeId), ("content", evidence.Content));
            }
            if (payout is not null)
            {
                await ExecuteAsync(connection, tx, """
                    INSERT INTO dispute_payouts (id, dispute_id, merchant_id, payee, amount_minor, currency, create_time)
                    VALUES (@id, @dispute, @merchant, @payee, @amount, @currency, @time)
                    """, cancellationToken, ("id", payout.Id), ("dispute", payout.DisputeId), ("merchant", payout.MerchantId), ("payee", payout.Payee),
                    ("amount", payout.AmountMinor), ("currency", payout.Currency), ("time", payout.CreateTime.ToUnixTimeMilliseconds()));
            }
            return true;
        }, cancellationToken);
        if (saved)
        {
            dispute.Version = expectedVersion + 1;
        }
        return saved;
    }

    public async Task<IReadOnlyList<Dispute>> ListAsync(DisputeFilter filter, DisputeCursor? after, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", limit) };
        if (filter.MerchantId is { } merchant)
        {
            where.Add("merchant_id = @merchant");
            parameters.Add(("merchant", merchant));
        }
        if (filter.State is { } state)
        {
            where.Add("state = @state");
            parameters.Add(("state", (long)state));
        }
        if (filter.PaymentId is { } payment)
        {
            where.Add("payment_id = @payment");
            parameters.Add(("payment", payment));
        }
        if (filter.Level is { } level)
        {
            where.Add("level = @level");
            parameters.Add(("level", (long)level));
        }
        if (after is not null)
        {
            where.Add("(create_time < @ct OR (create_time = @ct AND id < @after))");
            parameters.Add(("ct", after.CreateTime.ToUnixTimeMilliseconds()));
            parameters.Add(("after", after.Id));
        }
        var sql = Columns + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY create_time DESC, id DESC LIMIT @limit";
        return await database.ReadAsync(connection => QueryAsync(connection, null, sql, Row, cancellationToken, [.. parameters]), cancellationToken);
    }

    public async Task<IReadOnlyList<Dispute>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            Columns + " WHERE state = @open AND due_breached = 0 AND due_time <= @now ORDER BY due_time LIMIT @limit", Row, cancellationToken,
            ("open", (long)DisputeState.Open), ("now", now.ToUnixTimeMilliseconds()), ("limit", limit)), cancellationToken);

    public async Task<IReadOnlyList<Dispute>> ListUnresolvedOpenedBeforeAsync(DateTimeOffset openedBefore, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            Columns + " WHERE state IN (@open, @contested) AND create_time <= @before ORDER BY create_time LIMIT @limit", Row, cancellationToken,
            ("open", (long)DisputeState.Open), ("contested", (long)DisputeState.Contested), ("before", openedBefore.ToUnixTimeMilliseconds()), ("limit", limit)),
            cancellationToken);

    public async Task<IReadOnlyList<Dispute>> ListUnpublishedAsync(int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            Columns + " WHERE published_through < history_count ORDER BY create_time LIMIT @limit", Row, cancellationToken, ("limit", limit)), cancellationToken);

    public Task MarkPublishedAsync(string disputeId, int through, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx,
            "UPDATE disputes SET published_through = @through WHERE id = @id AND published_through < @through", cancellationToken,
            ("through", (long)through), ("id", disputeId)), cancellationToken);

    public async Task<IReadOnlyList<DisputePayout>> ListPayoutsAsync(string disputeId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null, """
            SELECT id, dispute_id, merchant_id, payee, amount_minor, currency, create_time FROM dispute_payouts WHERE dispute_id = @dispute ORDER BY create_time, id
            """, r => new DisputePayout(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6))), cancellationToken, ("dispute", disputeId)), cancellationToken);

    public Task<byte[]?> GetEvidenceContentAsync(string evidenceId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => await ScalarAsync(connection, null, "SELECT content FROM dispute_evidence WHERE id = @id", cancellationToken,
            ("id", evidenceId)) as byte[], cancellationToken);

    public async Task<IReadOnlyList<Payment>> ListUnscreenedSuccessesAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null, """
            SELECT p.body FROM payments p
            WHERE p.state = @succeeded AND p.update_time >= @since AND NOT EXISTS (SELECT 1 FROM dispute_screenings s WHERE s.payment_id = p.id)
            ORDER BY p.update_time LIMIT @limit
            """, r => PaymentJson.Deserialize(r.GetString(0)), cancellationToken, ("succeeded", (int)PaymentState.Succeeded), ("since", since.ToUnixTimeMilliseconds()),
            ("limit", limit)), cancellationToken);

    public async Task<IReadOnlyList<ScreenedPayment>> CustomerHistoryAsync(string merchantId, string customerId, string excludePaymentId, int limit,
        CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null, """
            SELECT payment_id, merchant_id, customer_id, amount_minor, currency, channel, country, success_time FROM dispute_screenings
            WHERE merchant_id = @merchant AND customer_id = @customer AND payment_id <> @exclude ORDER BY success_time DESC LIMIT @limit
            """, r => new ScreenedPayment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7))), cancellationToken, ("merchant", merchantId), ("customer", customerId),
            ("exclude", excludePaymentId), ("limit", limit)), cancellationToken);

    public Task<bool> RecordScreeningAsync(ScreenedPayment screened, Dispute? opened, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var inserted = await ExecuteAsync(connection, tx, """
                INSERT INTO dispute_screenings (payment_id, merchant_id, customer_id, amount_minor, currency, channel, country, success_time, dispute_id)
                VALUES (@p, @merchant, @customer, @amount, @currency, @channel, @country, @time, @dispute)
                ON CONFLICT (payment_id) DO NOTHING
                """, cancellationToken, ("p", screened.PaymentId), ("merchant", screened.MerchantId), ("customer", screened.CustomerId),
                ("amount", screened.AmountMinor), ("currency", screened.Currency), ("channel", screened.Channel), ("country", screened.Country),
                ("time", screened.SuccessTime.ToUnixTimeMilliseconds()), ("dispute", opened?.Id));
            if (inserted == 0)
            {
                return false;
            }
            if (opened is not null)
            {
                await InsertAsync(connection, tx, opened, cancellationToken);
            }
            return true;
        }, cancellationToken);

    private static Dispute Row(NpgsqlDataReader r)
    {
        var dispute = DisputeJson.Deserialize(r.GetString(0));
        dispute.Version = r.GetInt64(1);
        dispute.PublishedThrough = (int)r.GetInt64(2);
        return dispute;
    }
}
