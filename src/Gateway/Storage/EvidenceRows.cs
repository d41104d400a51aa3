using System.Data.Common;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>Evidence rows read back, the same for every store. Times are unix milliseconds, hashes raw bytes.</summary>
internal static class EvidenceRows
{
    /// <summary>A link from sequence, time, payment_id, event_type, amount_minor, currency, state, payer_ip, previous_hash, hash.</summary>
    public static EvidenceLink Link(DbDataReader r) =>
        new(new EvidenceEntry(r.GetInt64(0), StoreRows.Time(r, 1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5), (PaymentState)r.GetInt32(6),
            r.IsDBNull(7) ? null : r.GetString(7)), (byte[])r.GetValue(8), (byte[])r.GetValue(9));

    /// <summary>A head from sequence, hash, publish_time.</summary>
    public static ChainHead Head(DbDataReader r) => new(r.GetInt64(0), (byte[])r.GetValue(1), StoreRows.Time(r, 2));
}
