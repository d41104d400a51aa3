using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Security;

/// <summary>
/// Token buckets (System.Threading.RateLimiting, as ASP.NET Core's rate limiting uses): one per merchant (each operator
/// key has its own), so that one merchant's burst never spends another's tokens; and one per client address for refused
/// keys, so that a stream of wrong keys is slowed and logged once a minute, never key by key. Over a limit the call is
/// refused with RESOURCE_EXHAUSTED (PM-6018) and a RetryInfo of when a token is due; nothing was done.
/// </summary>
public sealed class CallerRateLimits : IDisposable
{
    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromMinutes(1);
    private const int MaxLoggedAddresses = 10_000;
    private readonly PartitionedRateLimiter<(Caller Caller, RateLimit? Limit)> _callers;
    private readonly PartitionedRateLimiter<string> _refusals;
    private readonly ConcurrentDictionary<string, RefusalCount> _refusalLog = new(StringComparer.Ordinal);
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<CallerRateLimits> _logger;

    public CallerRateLimits(IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<CallerRateLimits> logger)
    {
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _callers = PartitionedRateLimiter.Create<(Caller Caller, RateLimit? Limit), string>(c => RateLimitPartition.GetTokenBucketLimiter(
            c.Caller.MerchantId ?? c.Caller.KeyId, _ => Bucket(c.Limit ?? new RateLimit(_options.PerSecond, _options.Burst))));
        _refusals = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(
            address, _ => Bucket(new RateLimit(_options.RefusedKeysPerSecond, _options.RefusedKeysBurst))));
    }

    /// <summary>Takes a token of the caller's bucket, or refuses the call.</summary>
    public void Admit(Caller caller, RateLimit? limit)
    {
        using var lease = _callers.AttemptAcquire((caller, limit));
        if (!lease.IsAcquired)
        {
            throw new PaymentException(ErrorCatalogue.RateLimited, "rate limit exceeded: slow down and retry after the RetryInfo delay",
                retryAfter: RetryAfter(lease));
        }
    }

    /// <summary>
    /// Counts a refused key from <paramref name="address"/>: within the address's budget the refusal stands as it is; past it
    /// the caller is told to slow down instead, and the refusals are logged once a minute with their count (never the key).
    /// </summary>
    public PaymentException Refused(PaymentException refusal, string address)
    {
        using var lease = _refusals.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            _logger.LogDebug("Refused an API key from {Address}: {Reason}", address, refusal.Message);
            return refusal;
        }
        var now = _clock.GetUtcNow();
        if (_refusalLog.Count > MaxLoggedAddresses)
        {
            _refusalLog.Clear();
        }
        var count = _refusalLog.AddOrUpdate(address, _ => new RefusalCount(DateTimeOffset.MinValue, 1), (_, c) => c with { Count = c.Count + 1 });
        if (now - count.LastLogged >= RefusalLogInterval)
        {
            _refusalLog[address] = new RefusalCount(now, 0);
            _logger.LogWarning("Refusing API keys from {Address} faster than allowed: {Count} more refused past the limit", address, count.Count);
        }
        return new PaymentException(ErrorCatalogue.RateLimited, "too many refused API keys from this address: retry after the RetryInfo delay",
            retryAfter: RetryAfter(lease));
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);

    private static TokenBucketRateLimiterOptions Bucket(RateLimit limit) => new()
    {
        TokenLimit = limit.Burst,
        TokensPerPeriod = limit.PerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        // The partitioned limiter replenishes every bucket from one timer, a little at a time, in proportion to the time passed.
        AutoReplenishment = false,
        QueueLimit = 0,
    };

    public void Dispose()
    {
        _callers.Dispose();
        _refusals.Dispose();
    }

    private sealed record RefusalCount(DateTimeOffset LastLogged, long Count);
}
