using Microsoft.Data.Sqlite;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// The chain's last link as the writer knows it, so that appending a link reads nothing from the file: rebuilt from the table
/// when the writer starts, moved by each append inside a unit, and put back by the writer when a unit or its transaction rolls
/// back (<see cref="Mark"/>, <see cref="Reset"/>). Used by the writer's thread only.
/// </summary>
internal sealed class SqliteEvidenceChain
{
    private long _sequence;
    private byte[] _hash = EvidenceLink.Genesis;

    /// <summary>Reads the last link from the table (at start, before the writer runs).</summary>
    public void Load(SqliteConnection connection)
    {
        var last = Query(connection, null, "SELECT sequence, hash FROM evidence_links ORDER BY sequence DESC LIMIT 1",
            r => (r.GetInt64(0), (byte[])r.GetValue(1))).SingleOrDefault();
        (_sequence, _hash) = last.Item2 is null ? (0, EvidenceLink.Genesis) : last;
    }

    public (long Sequence, byte[] Hash) Mark() => (_sequence, _hash);

    public void Reset((long Sequence, byte[] Hash) mark) => (_sequence, _hash) = mark;

    /// <summary>Appends the link of a saved change of <paramref name="payment"/>, inside the change's unit.</summary>
    public void Append(SqliteConnection connection, SqliteTransaction tx, Payment payment, string eventType)
    {
        var link = EvidenceLink.After(_hash, EvidenceEntry.Of(_sequence + 1, payment, eventType));
        var e = link.Entry;
        Execute(connection, tx, """
            INSERT INTO evidence_links (sequence, time, payment_id, event_type, amount_minor, currency, state, payer_ip, previous_hash, hash)
            VALUES ($s, $t, $p, $type, $amount, $currency, $state, $ip, $prev, $hash)
            """, ("$s", e.Sequence), ("$t", e.Time.ToUnixTimeMilliseconds()), ("$p", e.PaymentId), ("$type", e.EventType), ("$amount", e.AmountMinor),
            ("$currency", e.Currency), ("$state", (int)e.State), ("$ip", e.PayerIp), ("$prev", link.PreviousHash), ("$hash", link.Hash));
        (_sequence, _hash) = (link.Sequence, link.Hash);
    }
}
