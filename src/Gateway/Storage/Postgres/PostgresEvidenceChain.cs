using Npgsql;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Appends a change's evidence link inside its transaction, as the batch's last statements, in the same round trip. Instances
/// share one chain: the link takes its number and previous hash from the one-row <c>evidence_tip</c>, locked until commit, so
/// appends follow each other in commit order. The lock is taken last in the transaction (nothing else is waited for while it is
/// held: no deadlock), and held only for the batch's remainder and the commit. The entry's bytes are the core's
/// (<see cref="EvidenceEntry"/>): the database only joins in the sequence number it assigns and hashes (docs/evidence.md).
/// </summary>
internal static class PostgresEvidenceChain
{
    public static void AddAppend(NpgsqlBatch batch, Payment payment, string eventType)
    {
        var e = EvidenceEntry.Of(0, payment, eventType);
        batch.BatchCommands.Add(PostgresPaymentStore.Batched("""
            WITH tip AS (SELECT sequence + 1 AS sequence, hash FROM evidence_tip WHERE id = 0 FOR UPDATE)
            INSERT INTO evidence_links (sequence, time, payment_id, event_type, amount_minor, currency, state, payer_ip, previous_hash, hash)
            SELECT tip.sequence, @et, @ep, @etype, @eamount, @ecurrency, @estate, @eip, tip.hash,
                sha256(tip.hash || @ehead || convert_to(length(tip.sequence::text) || ':' || tip.sequence::text || ',', 'UTF8') || @etail)
            FROM tip
            """, [("et", e.Time.ToUnixTimeMilliseconds()), ("ep", e.PaymentId), ("etype", e.EventType), ("eamount", e.AmountMinor), ("ecurrency", e.Currency),
            ("estate", (int)e.State), ("eip", e.PayerIp), ("ehead", EvidenceEntry.Head), ("etail", e.EncodeAfterSequence())]));
        batch.BatchCommands.Add(PostgresPaymentStore.Batched("""
            UPDATE evidence_tip t SET sequence = l.sequence, hash = l.hash FROM evidence_links l WHERE t.id = 0 AND l.sequence = t.sequence + 1
            """, []));
    }
}
