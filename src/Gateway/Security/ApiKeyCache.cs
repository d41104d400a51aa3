using System.Collections.Concurrent;
using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Security;

/// <summary>
/// Keys recently found by their hash, so that a merchant's every call does not read the key and its merchant again.
/// Bounded, and short-lived: a key revoked in this process is forgotten at once; one revoked by another instance stops
/// working here within <see cref="Lifetime"/>. Unknown hashes are never cached (a flood of wrong keys cannot fill it).
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string hash, out ApiKey key, out RateLimit? rateLimit)
    {
        if (_entries.TryGetValue(hash, out var entry) && clock.GetUtcNow() - entry.Loaded < Lifetime)
        {
            (key, rateLimit) = (entry.Key, entry.RateLimit);
            return true;
        }
        (key, rateLimit) = (null!, null);
        return false;
    }

    public void Add(ApiKey key, RateLimit? rateLimit)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }
        _entries[key.Hash] = new Entry(key, rateLimit, clock.GetUtcNow());
    }

    /// <summary>Notes a use recorded in the store, so that the next one is recorded only a while later.</summary>
    public void Used(ApiKey key, DateTimeOffset time)
    {
        if (_entries.TryGetValue(key.Hash, out var entry))
        {
            _entries.TryUpdate(key.Hash, entry with { Key = entry.Key with { LastUseTime = time } }, entry);
        }
    }

    public void Forget(string hash) => _entries.TryRemove(hash, out _);

    private sealed record Entry(ApiKey Key, RateLimit? RateLimit, DateTimeOffset Loaded);
}
