using Paygate.Gateway.Evidence;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>The evidence chain in the shared database: read back for verification and bundles, and its published heads.</summary>
public sealed class PostgresEvidenceStore(PostgresDatabase database) : IEvidenceStore
{
    private const string LinkColumns = "SELECT sequence, time, payment_id, event_type, amount_minor, currency, state, payer_ip, previous_hash, hash FROM evidence_links ";

    public Task<IReadOnlyList<EvidenceLink>> LinksAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<EvidenceLink>>(async connection => await QueryAsync(connection, null,
            LinkColumns + "WHERE sequence > @after ORDER BY sequence LIMIT @limit", EvidenceRows.Link, cancellationToken, ("after", afterSequence), ("limit", limit)),
            cancellationToken);

    public Task<EvidenceLink?> LastLinkAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => (await QueryAsync(connection, null, LinkColumns + "ORDER BY sequence DESC LIMIT 1", EvidenceRows.Link,
            cancellationToken)).SingleOrDefault(), cancellationToken);

    public Task<IReadOnlyList<long>> PaymentSequencesAsync(string paymentId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<long>>(async connection => await QueryAsync(connection, null,
            "SELECT sequence FROM evidence_links WHERE payment_id = @p ORDER BY sequence", r => r.GetInt64(0), cancellationToken, ("p", paymentId)), cancellationToken);

    public Task PublishHeadAsync(ChainHead head, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx,
            "INSERT INTO evidence_heads (sequence, hash, publish_time) VALUES (@s, @h, @t) ON CONFLICT (sequence) DO NOTHING", cancellationToken,
            ("s", head.Sequence), ("h", head.Hash), ("t", head.PublishTime.ToUnixTimeMilliseconds())), cancellationToken);

    public Task<IReadOnlyList<ChainHead>> HeadsAsync(long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ChainHead>>(async connection => await QueryAsync(connection, null,
            "SELECT sequence, hash, publish_time FROM evidence_heads WHERE sequence < @before ORDER BY sequence DESC LIMIT @limit", EvidenceRows.Head,
            cancellationToken, ("before", beforeSequence ?? long.MaxValue), ("limit", limit)), cancellationToken);
}
