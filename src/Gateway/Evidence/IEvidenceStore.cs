namespace Paygate.Gateway.Evidence;

/// <summary>
/// Where the evidence chain is kept. The payment stores append a link with every saved change of a payment, in the same
/// transaction (<see cref="Payments.IPaymentStore"/>); this port reads the chain back and keeps its published heads.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Links after <paramref name="afterSequence"/> in stored sequence order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<EvidenceLink>> LinksAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The chain's last link, or null while it is empty.</summary>
    Task<EvidenceLink?> LastLinkAsync(CancellationToken cancellationToken);

    /// <summary>The sequence numbers of a payment's links, oldest first.</summary>
    Task<IReadOnlyList<long>> PaymentSequencesAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>Records a published head.</summary>
    Task PublishHeadAsync(ChainHead head, CancellationToken cancellationToken);

    /// <summary>Published heads newest first, before <paramref name="beforeSequence"/> when given, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ChainHead>> HeadsAsync(long? beforeSequence, int limit, CancellationToken cancellationToken);
}
