namespace Paygate.Gateway.Evidence;

/// <summary>What a walk of the whole chain found.</summary>
/// <param name="Intact">Every link and every published head checked.</param>
/// <param name="LinksChecked">Links read.</param>
/// <param name="FirstBrokenSequence">The first link that does not check (0 when intact).</param>
/// <param name="Problem">One of <see cref="EvidenceProblems"/>, empty when intact.</param>
/// <param name="Detail">A human-readable account.</param>
/// <param name="Last">The chain's last link as read (null: empty chain).</param>
public sealed record ChainVerification(bool Intact, long LinksChecked, long FirstBrokenSequence, string Problem, string Detail, EvidenceLink? Last);

/// <summary>Why a link does not check (the API's <c>EvidenceVerification.problem</c>).</summary>
public static class EvidenceProblems
{
    /// <summary>The link's stored fields do not hash to its stored hash: the entry (or its hash) was edited.</summary>
    public const string HashMismatch = "hash_mismatch";

    /// <summary>The link's previous hash is not the hash of the link before it: one was deleted and the rest renumbered, or the order changed.</summary>
    public const string LinkMismatch = "link_mismatch";

    /// <summary>A sequence number is missing: a link was deleted.</summary>
    public const string SequenceGap = "sequence_gap";

    /// <summary>The link at a published head's sequence has another hash: the chain was rewritten up to there.</summary>
    public const string HeadMismatch = "head_mismatch";

    /// <summary>The chain ends before a published head: its tail was deleted.</summary>
    public const string Truncated = "truncated";
}

/// <summary>
/// Checks the whole chain from link 1: each link's hash is recomputed from its stored fields and previous hash, each previous hash
/// must be the hash of the link before it, sequence numbers must run without a gap, and every published head must be on the chain.
/// The first link that does not check is reported, with why.
/// </summary>
public sealed class EvidenceVerifier(IEvidenceStore store)
{
    private const int Page = 1000;

    public async Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var heads = await AllHeadsAsync(cancellationToken);
        var previous = EvidenceLink.Genesis;
        EvidenceLink? last = null;
        long expected = 1, checkedLinks = 0;
        while (true)
        {
            var links = await store.LinksAsync(expected - 1, Page, cancellationToken);
            foreach (var link in links)
            {
                checkedLinks++;
                if (link.Sequence != expected)
                {
                    return Broken(EvidenceProblems.SequenceGap, expected, $"link {expected} is missing: the next stored link is {link.Sequence}");
                }
                if (!link.PreviousHash.AsSpan().SequenceEqual(previous))
                {
                    return Broken(EvidenceProblems.LinkMismatch, expected,
                        $"link {expected} names {Hex(link.PreviousHash)} as the link before it, but link {expected - 1} hashes to {Hex(previous)}: "
                        + "a link before it was removed, replaced or moved");
                }
                var recomputed = EvidenceLink.HashOf(link.PreviousHash, link.Entry.Encode());
                if (!recomputed.AsSpan().SequenceEqual(link.Hash))
                {
                    return Broken(EvidenceProblems.HashMismatch, expected,
                        $"link {expected} (payment {link.Entry.PaymentId}) hashes to {Hex(recomputed)} from its stored fields, but {Hex(link.Hash)} is stored: it was edited");
                }
                if (heads.TryGetValue(expected, out var head) && !head.Hash.AsSpan().SequenceEqual(link.Hash))
                {
                    return Broken(EvidenceProblems.HeadMismatch, expected,
                        $"the head published at {head.PublishTime:O} says link {expected} hashes to {head.HashHex}, but the chain has {Hex(link.Hash)}: it was rewritten");
                }
                previous = link.Hash;
                last = link;
                expected++;
            }
            if (links.Count < Page)
            {
                break;
            }
        }
        var beyond = heads.Values.Where(h => h.Sequence >= expected).OrderBy(h => h.Sequence).FirstOrDefault();
        if (beyond is not null)
        {
            return Broken(EvidenceProblems.Truncated, expected,
                $"the chain ends at link {expected - 1}, but a head was published at link {beyond.Sequence} ({beyond.PublishTime:O}): links from {expected} on were deleted");
        }
        return new ChainVerification(true, checkedLinks, 0, "", $"all {checkedLinks} links and {heads.Count} published heads check", last);

        ChainVerification Broken(string problem, long sequence, string detail) => new(false, checkedLinks, sequence, problem, detail, last);
    }

    private async Task<Dictionary<long, ChainHead>> AllHeadsAsync(CancellationToken cancellationToken)
    {
        var heads = new Dictionary<long, ChainHead>();
        long? before = null;
        while (true)
        {
            var page = await store.HeadsAsync(before, Page, cancellationToken);
            foreach (var head in page)
            {
                heads[head.Sequence] = head;
            }
            if (page.Count < Page)
            {
                return heads;
            }
            before = page[^1].Sequence;
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
