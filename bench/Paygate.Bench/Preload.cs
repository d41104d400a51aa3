using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Paygate.Bench;

/// <summary>
/// Fills a stopped gateway's SQLite file with copies of one real payment (its row, attempt and event), in large
/// batches straight into the tables: a store that already holds a million payments, in seconds rather than hours.
/// Written against the current schema (payments, attempts, payment_events); a schema change updates it here.
/// </summary>
internal static class Preload
{
    public static TimeSpan Run(string databasePath, string seedPaymentId, int count)
    {
        var clock = Stopwatch.StartNew();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, null, "PRAGMA synchronous=OFF;");
        const int batch = 100_000;
        for (var from = 1; from <= count; from += batch)
        {
            using var tx = connection.BeginTransaction();
            var range = ("$from", (object)from, "$to", (object)Math.Min(count, from + batch - 1));
            const string numbers = "WITH RECURSIVE n(i) AS (SELECT $from UNION ALL SELECT i + 1 FROM n WHERE i < $to) ";
            Execute(connection, tx, numbers + """
                INSERT INTO payments (id, state, create_time, update_time, expire_time, open_attempt, pending_refund, version, body, next_check_time)
                SELECT p.id || '_' || n.i, p.state, p.create_time - n.i, p.update_time - n.i, p.expire_time, p.open_attempt, p.pending_refund, p.version, p.body, p.next_check_time
                FROM payments p, n WHERE p.id = $seed
                """, range, seedPaymentId);
            Execute(connection, tx, numbers + """
                INSERT INTO attempts (channel, reference, payment_id, attempt_id)
                SELECT a.channel, a.reference || '_' || n.i, a.payment_id || '_' || n.i, a.attempt_id || '_' || n.i
                FROM attempts a, n WHERE a.payment_id = $seed
                """, range, seedPaymentId);
            Execute(connection, tx, numbers + """
                INSERT INTO payment_events (payment_id, type, state, time, snapshot, refund_id)
                SELECT e.payment_id || '_' || n.i, e.type, e.state, e.time - n.i, e.snapshot, e.refund_id
                FROM payment_events e, n WHERE e.payment_id = $seed
                """, range, seedPaymentId);
            tx.Commit();
        }
        Execute(connection, null, "PRAGMA wal_checkpoint(TRUNCATE);");
        return clock.Elapsed;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, (string, object, string, object)? range = null, string? seed = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        if (range is { } r)
        {
            command.Parameters.AddWithValue(r.Item1, r.Item2);
            command.Parameters.AddWithValue(r.Item3, r.Item4);
        }
        if (seed is not null)
        {
            command.Parameters.AddWithValue("$seed", seed);
        }
        command.ExecuteNonQuery();
    }
}
