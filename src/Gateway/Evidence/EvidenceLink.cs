using System.Security.Cryptography;

namespace Paygate.Gateway.Evidence;

/// <summary>
/// A link of the chain: an entry, the hash of the link before it, and its own hash, <c>SHA-256(previous hash || entry bytes)</c>
/// (32 raw bytes of the previous hash, then the entry's canonical encoding). The first link's previous hash is
/// <see cref="Genesis"/>, 32 zero bytes.
/// </summary>
/// <param name="Entry">What the link records.</param>
/// <param name="PreviousHash">The hash of the link before it (32 bytes) as stored.</param>
/// <param name="Hash">This link's hash (32 bytes) as stored.</param>
public sealed record EvidenceLink(EvidenceEntry Entry, byte[] PreviousHash, byte[] Hash)
{
    /// <summary>The previous hash of link 1.</summary>
    public static readonly byte[] Genesis = new byte[32];

    public long Sequence => Entry.Sequence;

    /// <summary>The hash a link of <paramref name="entryBytes"/> after a link hashed <paramref name="previousHash"/> has.</summary>
    public static byte[] HashOf(byte[] previousHash, byte[] entryBytes) => SHA256.HashData([.. previousHash, .. entryBytes]);

    /// <summary>The link that follows a link hashed <paramref name="previousHash"/> with <paramref name="entry"/>.</summary>
    public static EvidenceLink After(byte[] previousHash, EvidenceEntry entry) => new(entry, previousHash, HashOf(previousHash, entry.Encode()));
}

/// <summary>A published head of the chain: its last link at a moment, kept so that a chain cut short or rewritten before it shows.</summary>
/// <param name="Sequence">The last link's sequence number.</param>
/// <param name="Hash">The last link's hash (32 bytes).</param>
/// <param name="PublishTime">When it was published.</param>
public sealed record ChainHead(long Sequence, byte[] Hash, DateTimeOffset PublishTime)
{
    public string HashHex => Convert.ToHexStringLower(Hash);
}
