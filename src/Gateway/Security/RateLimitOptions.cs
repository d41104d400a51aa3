using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Security;

/// <summary>Rate limits (<c>RateLimits</c> settings): each merchant's own token bucket, unless the merchant has its own limit.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>A merchant's sustained requests per second.</summary>
    [Range(1, 1_000_000)]
    public int PerSecond { get; set; } = 1000;

    /// <summary>A merchant's burst: requests it may send at once after a quiet while.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 2000;

    /// <summary>Refused keys a client address may send a second before its refusals turn into RESOURCE_EXHAUSTED.</summary>
    [Range(1, 1_000_000)]
    public int RefusedKeysPerSecond { get; set; } = 5;

    /// <summary>Refused keys a client address may send at once.</summary>
    [Range(1, 1_000_000)]
    public int RefusedKeysBurst { get; set; } = 20;
}
