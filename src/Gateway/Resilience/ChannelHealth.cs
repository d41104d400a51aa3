using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Paygate.Gateway.Resilience;

/// <summary>What routing knows of a channel's recent behaviour.</summary>
/// <param name="Circuit">The circuit breaker's state.</param>
/// <param name="SuccessRate">The share of recent calls the channel answered properly, 0 to 1 (1 with no data).</param>
/// <param name="LatencyMs">The recent mean latency (0 with no data).</param>
/// <param name="TrialDue">
/// The circuit is open but its break duration has passed: the next call is let through as a trial. Polly moves an open
/// circuit to half-open only when a call arrives, so a router that skipped such a channel would keep it open for ever.
/// </param>
public sealed record ChannelHealthSnapshot(CircuitState Circuit, double SuccessRate, long LatencyMs, bool TrialDue = false)
{
    /// <summary>Whether calls are refused without reaching the channel: open within its break, or isolated by hand.</summary>
    public bool Refusing => Circuit == CircuitState.Isolated || (Circuit == CircuitState.Open && !TrialDue);
}

/// <summary>
/// Recent outcomes and latencies per channel, over the last <see cref="ResilienceOptions.HealthWindow"/> of time (so an
/// outage ages out once the channel is quiet), at most <see cref="MaxSamples"/> calls each; and when each open circuit
/// lets its next trial through.
/// </summary>
public sealed class ChannelHealth(IOptions<ResilienceOptions> options, TimeProvider clock)
{
    /// <summary>A bound on memory per channel under heavy traffic; the time window is what normally drops samples.</summary>
    public const int MaxSamples = 1000;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Queue<(DateTimeOffset Time, bool Healthy, long LatencyMs)>> _recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CircuitBreakerStateProvider> _circuits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _openUntil = new(StringComparer.Ordinal);

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

    /// <summary>The circuit opened for <paramref name="breakDuration"/>: after it, a call is a trial.</summary>
    public void Opened(string channelId, TimeSpan breakDuration)
    {
        lock (_sync)
        {
            _openUntil[channelId] = clock.GetUtcNow() + breakDuration;
        }
    }

    public void Record(string channelId, bool healthy, TimeSpan latency)
    {
        var now = clock.GetUtcNow();
        lock (_sync)
        {
            if (!_recent.TryGetValue(channelId, out var queue))
            {
                _recent[channelId] = queue = new Queue<(DateTimeOffset, bool, long)>();
            }
            queue.Enqueue((now, healthy, (long)latency.TotalMilliseconds));
            Prune(queue, now);
        }
    }

    public ChannelHealthSnapshot Snapshot(string channelId)
    {
        var circuit = CircuitFor(channelId).CircuitState;
        var now = clock.GetUtcNow();
        lock (_sync)
        {
            var trialDue = circuit == CircuitState.Open && (!_openUntil.TryGetValue(channelId, out var until) || until <= now);
            if (!_recent.TryGetValue(channelId, out var queue) || Prune(queue, now) == 0)
            {
                return new ChannelHealthSnapshot(circuit, 1, 0, trialDue);
            }
            return new ChannelHealthSnapshot(circuit, queue.Count(q => q.Healthy) / (double)queue.Count, (long)queue.Average(q => q.LatencyMs), trialDue);
        }
    }

    private int Prune(Queue<(DateTimeOffset Time, bool Healthy, long LatencyMs)> queue, DateTimeOffset now)
    {
        var oldest = now - options.Value.HealthWindow;
        while (queue.Count > 0 && (queue.Count > MaxSamples || queue.Peek().Time < oldest))
        {
            queue.Dequeue();
        }
        return queue.Count;
    }
}
