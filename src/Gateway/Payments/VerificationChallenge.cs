namespace Paygate.Gateway.Payments;

/// <summary>
/// A risk challenge waiting for the payer's one-time code. The code is kept only as a keyed hash (HMAC-SHA256 under a key
/// derived from the gateway's secret, over the payment id and the code), so neither the database nor an event reveals it.
/// </summary>
public sealed record VerificationChallenge
{
    /// <summary>Lowercase hex HMAC of the payment id and the code.</summary>
    public required string CodeHash { get; init; }
    public required int CodeLength { get; init; }
    public required DateTimeOffset ExpireTime { get; init; }
    /// <summary>Wrong codes still allowed before the payment fails.</summary>
    public required int AttemptsLeft { get; init; }
    /// <summary>Where it was sent, masked; empty when the merchant gave no contact.</summary>
    public string SentTo { get; init; } = "";
    /// <summary>The channel the payer named, kept so that a passed challenge routes as the request asked.</summary>
    public string? PreferredChannel { get; init; }
    /// <summary>Whether the challenged request pays by card: its card is held in memory until the code is confirmed.</summary>
    public bool PaysByCard { get; init; }
    /// <summary>That card's fingerprint: only that card may be charged under this challenge.</summary>
    public string? CardFingerprint { get; init; }
}
