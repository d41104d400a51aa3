using Paygate.Gateway.Evidence;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>The evidence chain in the embedded file: read back for verification and bundles, and its published heads.</summary>
public sealed class SqliteEvidenceStore(SqliteDatabase database) : IEvidenceStore
{
    private const string LinkColumns = "SELECT sequence, time, payment_id, event_type, amount_minor, currency, state, payer_ip, previous_hash, hash FROM evidence_links ";

    public Task<IReadOnlyList<EvidenceLink>> LinksAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EvidenceLink>>(database.Read(connection => Query(connection, null,
            LinkColumns + "WHERE sequence > $after ORDER BY sequence LIMIT $limit", EvidenceRows.Link, ("$after", afterSequence), ("$limit", limit))));

    public Task<EvidenceLink?> LastLinkAsync(CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, LinkColumns + "ORDER BY sequence DESC LIMIT 1", EvidenceRows.Link).SingleOrDefault()));

    public Task<IReadOnlyList<long>> PaymentSequencesAsync(string paymentId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<long>>(database.Read(connection => Query(connection, null,
            "SELECT sequence FROM evidence_links WHERE payment_id = $p ORDER BY sequence", r => r.GetInt64(0), ("$p", paymentId))));

    public Task PublishHeadAsync(ChainHead head, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx,
            "INSERT INTO evidence_heads (sequence, hash, publish_time) VALUES ($s, $h, $t) ON CONFLICT (sequence) DO NOTHING",
            ("$s", head.Sequence), ("$h", head.Hash), ("$t", head.PublishTime.ToUnixTimeMilliseconds())));

    public Task<IReadOnlyList<ChainHead>> HeadsAsync(long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChainHead>>(database.Read(connection => Query(connection, null,
            "SELECT sequence, hash, publish_time FROM evidence_heads WHERE sequence < $before ORDER BY sequence DESC LIMIT $limit", EvidenceRows.Head,
            ("$before", beforeSequence ?? long.MaxValue), ("$limit", limit))));
}
