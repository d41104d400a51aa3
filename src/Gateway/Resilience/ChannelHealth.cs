using Polly.CircuitBreaker;

namespace Paygate.Gateway.Resilience;

/// <summary>What routing knows of a channel's recent behaviour.</summary>
/// <param name="Circuit">The circuit breaker's state.</param>
/// <param name="SuccessRate">The share of recent calls the channel answered properly, 0 to 1 (1 with no data).</param>
/// <param name="LatencyMs">The recent mean latency (0 with no data).</param>
public sealed record ChannelHealthSnapshot(CircuitState Circuit, double SuccessRate, long LatencyMs);

/// <summary>Recent outcomes and latencies per channel, over the last <see cref="Window"/> calls.</summary>
public sealed class ChannelHealth
{
    public const int Window = 50;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Queue<(bool Healthy, long LatencyMs)>> _recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CircuitBreakerStateProvider> _circuits = new(StringComparer.Ordinal);

    public CircuitBreakerStateProvider CircuitFor(string channelId)
    {
        lock (_sync)
        {
            if (!_circuits.TryGetValue(channelId, out var provider))
            {
                _circuits[channelId] = provider = new CircuitBreakerStateProvider();
            }
            return provider;
        }
    }

    public void Record(string channelId, bool healthy, TimeSpan latency)
    {
        lock (_sync)
        {
            if (!_recent.TryGetValue(channelId, out var queue))
            {
                _recent[channelId] = queue = new Queue<(bool, long)>();
            }
            queue.Enqueue((healthy, (long)latency.TotalMilliseconds));
            while (queue.Count > Window)
            {
                queue.Dequeue();
            }
        }
    }

    public ChannelHealthSnapshot Snapshot(string channelId)
    {
        var circuit = CircuitFor(channelId).CircuitState;
        lock (_sync)
        {
            if (!_recent.TryGetValue(channelId, out var queue) || queue.Count == 0)
            {
                return new ChannelHealthSnapshot(circuit, 1, 0);
            }
            return new ChannelHealthSnapshot(circuit, queue.Count(q => q.Healthy) / (double)queue.Count, (long)queue.Average(q => q.LatencyMs));
        }
    }
}
