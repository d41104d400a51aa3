using System.Data.Common;
using System.Globalization;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Settlement;

namespace Paygate.Gateway.Storage;

/// <summary>Settlement rows as every store writes and reads them (columns in the order of the <c>*Columns</c> constants).</summary>
internal static class SettlementRows
{
    public const string RunColumns = """
        SELECT sequence, id, channel, settle_date, state, file_name, lines, settled, mismatches, resolved, error_code, error_message, error_line, actor, start_time, finish_time
        FROM settlement_runs
        """;

    public const string MismatchColumns = """
        SELECT sequence, run_id, channel, settle_date, kind, line_kind, reference, refund_reference, payment_id, refund_id, channel_amount_minor, gateway_amount_minor, currency,
            channel_state, gateway_state, line, resolved, note
        FROM settlement_mismatches
        """;

    public const string MarkColumns = """
        SELECT channel, kind, reference, payment_id, target_id, settle_date, amount_minor, currency, fee_minor, file_name, run_id FROM settlement_marks
        """;

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Date(DbDataReader r, int i) => DateOnly.ParseExact(r.GetString(i), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static int Int(DbDataReader r, int i) => (int)r.GetInt64(i);

    public static SettlementRun Run(DbDataReader r) =>
        new(r.GetString(1), r.GetString(2), Date(r, 3), (SettlementRunState)Int(r, 4), Text(r, 5), Int(r, 6), Int(r, 7), Int(r, 8), Int(r, 9), Text(r, 10), Text(r, 11), Int(r, 12),
            r.GetString(13), StoreRows.Time(r, 14), StoreRows.Time(r, 15))
        { Sequence = r.GetInt64(0) };

    public static SettlementMismatch Mismatch(DbDataReader r) =>
        new(r.GetString(1), r.GetString(2), Date(r, 3), (SettlementMismatchKind)Int(r, 4), (SettlementLineKind)Int(r, 5), r.GetString(6), Text(r, 7), Text(r, 8), Text(r, 9),
            r.GetInt64(10), r.GetInt64(11), r.GetString(12), Text(r, 13), Text(r, 14), Int(r, 15), r.GetInt64(16) != 0, r.GetString(17))
        { Sequence = r.GetInt64(0) };

    public static SettlementMark Mark(DbDataReader r) =>
        new(r.GetString(0), (SettlementLineKind)Int(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), Date(r, 5), r.GetInt64(6), r.GetString(7), r.GetInt64(8), r.GetString(9),
            r.GetString(10));

    /// <summary>The insert of a run, with the parameter prefix of the store (<c>$</c> or <c>@</c>).</summary>
    public static (string Sql, (string, object?)[] Parameters) InsertRun(SettlementRun run, char prefix, string namePrefix) => ($"""
        INSERT INTO settlement_runs (id, channel, settle_date, state, file_name, lines, settled, mismatches, resolved, error_code, error_message, error_line, actor, start_time, finish_time)
        VALUES ({prefix}id, {prefix}channel, {prefix}day, {prefix}state, {prefix}file, {prefix}lines, {prefix}settled, {prefix}mismatches, {prefix}resolved, {prefix}code, {prefix}message,
            {prefix}line, {prefix}actor, {prefix}start, {prefix}finish)
        """,
        [
            (namePrefix + "id", run.Id), (namePrefix + "channel", run.Channel), (namePrefix + "day", Day(run.Date)), (namePrefix + "state", (int)run.State), (namePrefix + "file", run.FileName),
            (namePrefix + "lines", run.Lines), (namePrefix + "settled", run.Settled), (namePrefix + "mismatches", run.Mismatches), (namePrefix + "resolved", run.Resolved),
            (namePrefix + "code", run.ErrorCode), (namePrefix + "message", run.ErrorMessage), (namePrefix + "line", run.ErrorLine), (namePrefix + "actor", run.Actor),
            (namePrefix + "start", run.StartTime.ToUnixTimeMilliseconds()), (namePrefix + "finish", run.FinishTime.ToUnixTimeMilliseconds()),
        ]);

    /// <summary>
    /// The insert of a mark. The day's own marks were deleted before, so a conflict is another day's mark of the same
    /// transaction: that first settlement is kept (a second one is the matcher's <c>DUPLICATE_AT_CHANNEL</c>, never a moved mark).
    /// </summary>
    public static (string Sql, (string, object?)[] Parameters) InsertMark(SettlementMark mark, char prefix, string namePrefix) => ($"""
        INSERT INTO settlement_marks (channel, kind, reference, payment_id, target_id, settle_date, amount_minor, currency, fee_minor, file_name, run_id)
        VALUES ({prefix}channel, {prefix}kind, {prefix}reference, {prefix}payment, {prefix}target, {prefix}day, {prefix}amount, {prefix}currency, {prefix}fee, {prefix}file, {prefix}run)
        ON CONFLICT (channel, kind, reference) DO NOTHING
        """,
        [
            (namePrefix + "channel", mark.Channel), (namePrefix + "kind", (int)mark.Kind), (namePrefix + "reference", mark.Reference), (namePrefix + "payment", mark.PaymentId),
            (namePrefix + "target", mark.TargetId), (namePrefix + "day", Day(mark.Date)), (namePrefix + "amount", mark.AmountMinor), (namePrefix + "currency", mark.Currency),
            (namePrefix + "fee", mark.FeeMinor), (namePrefix + "file", mark.FileName), (namePrefix + "run", mark.RunId),
        ]);

    public static (string Sql, (string, object?)[] Parameters) InsertMismatch(SettlementMismatch m, char prefix, string namePrefix) => ($"""
        INSERT INTO settlement_mismatches (run_id, channel, settle_date, kind, line_kind, reference, refund_reference, payment_id, refund_id, channel_amount_minor, gateway_amount_minor,
            currency, channel_state, gateway_state, line, resolved, note)
        VALUES ({prefix}run, {prefix}channel, {prefix}day, {prefix}kind, {prefix}lineKind, {prefix}reference, {prefix}refundReference, {prefix}payment, {prefix}refund, {prefix}channelAmount,
            {prefix}gatewayAmount, {prefix}currency, {prefix}channelState, {prefix}gatewayState, {prefix}line, {prefix}resolved, {prefix}note)
        """,
        [
            (namePrefix + "run", m.RunId), (namePrefix + "channel", m.Channel), (namePrefix + "day", Day(m.Date)), (namePrefix + "kind", (int)m.Kind), (namePrefix + "lineKind", (int)m.LineKind),
            (namePrefix + "reference", m.Reference), (namePrefix + "refundReference", m.RefundReference), (namePrefix + "payment", m.PaymentId), (namePrefix + "refund", m.RefundId),
            (namePrefix + "channelAmount", m.ChannelAmountMinor), (namePrefix + "gatewayAmount", m.GatewayAmountMinor), (namePrefix + "currency", m.Currency),
            (namePrefix + "channelState", m.ChannelState), (namePrefix + "gatewayState", m.GatewayState), (namePrefix + "line", m.Line), (namePrefix + "resolved", m.Resolved ? 1 : 0),
            (namePrefix + "note", m.Note),
        ]);
}
