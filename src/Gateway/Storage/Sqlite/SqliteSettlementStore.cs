using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Settlement;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;
using static Paygate.Gateway.Storage.SettlementRows;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Settlement runs, marks and mismatches in the gateway's SQLite database (schema v17).</summary>
public sealed class SqliteSettlementStore(SqliteDatabase database) : ISettlementStore
{
    public Task SaveRunAsync(SettlementRun run, IReadOnlyList<SettlementMark> marks, IReadOnlyList<SettlementMismatch> mismatches, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var day = Day(run.Date);
            Execute(connection, tx, "DELETE FROM settlement_marks WHERE channel = $channel AND settle_date = $day", ("$channel", run.Channel), ("$day", day));
            Execute(connection, tx, "DELETE FROM settlement_mismatches WHERE channel = $channel AND settle_date = $day", ("$channel", run.Channel), ("$day", day));
            foreach (var mark in marks)
            {
                var (sql, parameters) = InsertMark(mark, '$', "$");
                Execute(connection, tx, sql, parameters);
                // Another day's file left it out (it settled across midnight): this day's file has it after all.
                Execute(connection, tx, $"DELETE FROM settlement_mismatches WHERE channel = $channel AND line_kind = $kind AND kind = {(int)SettlementMismatchKind.MissingAtChannel} AND "
                    + (mark.Kind == SettlementLineKind.Refund ? "refund_reference" : "reference") + " = $reference"
                    + " AND EXISTS (SELECT 1 FROM settlement_marks WHERE channel = $channel AND kind = $kind AND reference = $reference AND run_id = $run)",
                    ("$channel", mark.Channel), ("$kind", (int)mark.Kind), ("$reference", mark.Reference), ("$run", mark.RunId));
            }
            foreach (var mismatch in mismatches)
            {
                var (sql, parameters) = InsertMismatch(mismatch, '$', "$");
                Execute(connection, tx, sql, parameters);
            }
            var (runSql, runParameters) = InsertRun(run, '$', "$");
            Execute(connection, tx, runSql, runParameters);
        });

    public Task SaveFailedRunAsync(SettlementRun run, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var (sql, parameters) = InsertRun(run, '$', "$");
            Execute(connection, tx, sql, parameters);
        });

    public Task<IReadOnlyList<SettlementRun>> ListRunsAsync(string? channel, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SettlementRun>>(database.Read(connection => Query(connection, null,
            RunColumns + " WHERE ($channel IS NULL OR channel = $channel) AND sequence < $before ORDER BY sequence DESC LIMIT $limit", Run,
            ("$channel", channel), ("$before", beforeSequence ?? long.MaxValue), ("$limit", limit))));

    public Task<IReadOnlyList<SettlementMismatch>> ListMismatchesAsync(string? channel, DateOnly? date, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SettlementMismatch>>(database.Read(connection => Query(connection, null, MismatchColumns + """
             WHERE ($channel IS NULL OR channel = $channel) AND ($day IS NULL OR settle_date = $day) AND sequence < $before ORDER BY sequence DESC LIMIT $limit
            """, Mismatch, ("$channel", channel), ("$day", date is { } d ? Day(d) : null), ("$before", beforeSequence ?? long.MaxValue), ("$limit", limit))));

    public Task<IReadOnlyList<SettlementMark>> MarksOfPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SettlementMark>>(database.Read(connection => Query(connection, null,
            MarkColumns + " WHERE payment_id = $payment ORDER BY kind, settle_date, reference", Mark, ("$payment", paymentId))));

    public Task<SettlementMark?> FindMarkAsync(string channel, SettlementLineKind kind, string reference, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, MarkColumns + " WHERE channel = $channel AND kind = $kind AND reference = $reference", Mark,
            ("$channel", channel), ("$kind", (int)kind), ("$reference", reference))).SingleOrDefault());

    public Task<IReadOnlyList<Payment>> CandidatesAsync(string channel, DateTimeOffset from, DateTimeOffset to, string? afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Payment>>(database.Read(connection => Query(connection, null, """
            SELECT body, version FROM payments
            WHERE id IN (SELECT payment_id FROM attempts WHERE channel = $channel) AND create_time < $to AND update_time >= $from AND id > $after
            ORDER BY id LIMIT $limit
            """, r =>
            {
                var payment = PaymentJson.Deserialize(r.GetString(0));
                payment.Version = r.GetInt64(1);
                return payment;
            }, ("$channel", channel), ("$to", to.ToUnixTimeMilliseconds()), ("$from", from.ToUnixTimeMilliseconds()), ("$after", afterId ?? ""), ("$limit", limit))));
}
