using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Settlement;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;
using static Paygate.Gateway.Storage.SettlementRows;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Settlement runs, marks and mismatches in the shared database (schema v8); a day's result is one transaction.</summary>
public sealed class PostgresSettlementStore(PostgresDatabase database) : ISettlementStore
{
    public Task SaveRunAsync(SettlementRun run, IReadOnlyList<SettlementMark> marks, IReadOnlyList<SettlementMismatch> mismatches, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var day = Day(run.Date);
            await ExecuteAsync(connection, tx, "DELETE FROM settlement_marks WHERE channel = @channel AND settle_date = @day", cancellationToken, ("channel", run.Channel), ("day", day));
            await ExecuteAsync(connection, tx, "DELETE FROM settlement_mismatches WHERE channel = @channel AND settle_date = @day", cancellationToken, ("channel", run.Channel), ("day", day));
            foreach (var mark in marks)
            {
                var (sql, parameters) = InsertMark(mark, '@', "");
                await ExecuteAsync(connection, tx, sql, cancellationToken, parameters);
                await ExecuteAsync(connection, tx, $"DELETE FROM settlement_mismatches WHERE channel = @channel AND line_kind = @kind AND kind = {(int)SettlementMismatchKind.MissingAtChannel} AND "
                    + (mark.Kind == SettlementLineKind.Refund ? "refund_reference" : "reference") + " = @reference"
                    + " AND EXISTS (SELECT 1 FROM settlement_marks WHERE channel = @channel AND kind = @kind AND reference = @reference AND run_id = @run)", cancellationToken,
                    ("channel", mark.Channel), ("kind", (long)mark.Kind), ("reference", mark.Reference), ("run", mark.RunId));
            }
            foreach (var mismatch in mismatches)
            {
                var (sql, parameters) = InsertMismatch(mismatch, '@', "");
                await ExecuteAsync(connection, tx, sql, cancellationToken, parameters);
            }
            var (runSql, runParameters) = InsertRun(run, '@', "");
            await ExecuteAsync(connection, tx, runSql, cancellationToken, runParameters);
        }, cancellationToken);

    public Task SaveFailedRunAsync(SettlementRun run, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var (sql, parameters) = InsertRun(run, '@', "");
            await ExecuteAsync(connection, tx, sql, cancellationToken, parameters);
        }, cancellationToken);

    public async Task<IReadOnlyList<SettlementRun>> ListRunsAsync(string? channel, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            RunColumns + " WHERE (@channel::text IS NULL OR channel = @channel) AND sequence < @before ORDER BY sequence DESC LIMIT @limit", Run, cancellationToken,
            ("channel", channel), ("before", beforeSequence ?? long.MaxValue), ("limit", limit)), cancellationToken);

    public async Task<IReadOnlyList<SettlementMismatch>> ListMismatchesAsync(string? channel, DateOnly? date, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null, MismatchColumns + """
             WHERE (@channel::text IS NULL OR channel = @channel) AND (@day::text IS NULL OR settle_date = @day) AND sequence < @before ORDER BY sequence DESC LIMIT @limit
            """, Mismatch, cancellationToken, ("channel", channel), ("day", date is { } d ? Day(d) : null), ("before", beforeSequence ?? long.MaxValue), ("limit", limit)),
            cancellationToken);

    public async Task<IReadOnlyList<SettlementMark>> MarksOfPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null, MarkColumns + " WHERE payment_id = @payment ORDER BY kind, settle_date, reference", Mark,
            cancellationToken, ("payment", paymentId)), cancellationToken);

    public async Task<SettlementMark?> FindMarkAsync(string channel, SettlementLineKind kind, string reference, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, MarkColumns + " WHERE channel = @channel AND kind = @kind AND reference = @reference", Mark,
            cancellationToken, ("channel", channel), ("kind", (long)kind), ("reference", reference)), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<Payment>> CandidatesAsync(string channel, DateTimeOffset from, DateTimeOffset to, string? afterId, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null, """
            SELECT body, version FROM payments
            WHERE id IN (SELECT payment_id FROM attempts WHERE channel = @channel) AND create_time < @to AND update_time >= @from AND id > @after
            ORDER BY id LIMIT @limit
            """, r =>
            {
                var payment = PaymentJson.Deserialize(r.GetString(0));
                payment.Version = r.GetInt64(1);
                return payment;
            }, cancellationToken, ("channel", channel), ("to", to.ToUnixTimeMilliseconds()), ("from", from.ToUnixTimeMilliseconds()), ("after", afterId ?? ""), ("limit", limit)),
            cancellationToken);
}
