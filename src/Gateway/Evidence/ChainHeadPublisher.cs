using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Evidence;

/// <summary>
/// Publishes the chain's head every <see cref="EvidenceOptions.PublishInterval"/> (in one instance at a time): the last link's
/// sequence and hash are stored in the heads table and logged. A head is what makes a deleted tail detectable, and its copy in
/// the log is what an outside party keeps. Nothing is published while the head has not moved.
/// </summary>
public sealed class ChainHeadPublisher(IEvidenceStore store, IWorkerLeases leases, IOptions<EvidenceOptions> options, TimeProvider clock,
    ILogger<ChainHeadPublisher> logger) : LeasedWorker(leases, clock, logger)
{
    protected override string LeaseName => "evidence-heads";

    protected override TimeSpan Interval => options.Value.PublishInterval;

    protected override async Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken) =>
        await PublishAsync(cancellationToken);

    /// <summary>One publication: the head published, or null when the chain is empty or has not moved since the last.</summary>
    public async Task<ChainHead?> PublishAsync(CancellationToken cancellationToken)
    {
        if (await store.LastLinkAsync(cancellationToken) is not { } last)
        {
            return null;
        }
        var latest = await store.HeadsAsync(null, 1, cancellationToken);
        if (latest.Count > 0 && latest[0].Sequence == last.Sequence && latest[0].Hash.AsSpan().SequenceEqual(last.Hash))
        {
            return null;
        }
        var head = new ChainHead(last.Sequence, last.Hash, Clock.GetUtcNow());
        await store.PublishHeadAsync(head, cancellationToken);
        Logger.HeadPublished(head.Sequence, head.HashHex);
        return head;
    }
}
