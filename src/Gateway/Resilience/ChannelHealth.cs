using System.Collections.Concurrent;
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
/// lets its next trial through. Routing asks on every payment, so a snapshot costs O(1): running totals, a lock per channel.
/// </summary>
public sealed class ChannelHealth(IOptions<ResilienceOptions> options, TimeProvider clock)
{
    /// <summary>A bound on memory per channel under heavy traffic; the time window is what normally drops samples.</summary>
    public const int MaxSamples = 1000;
    private readonly ConcurrentDictionary<string, Samples> _recent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _circuits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _openUntil = new(StringComparer.Ordinal);

    public CircuitBreakerStateProvider CircuitFor(string channelId) =>
        // A circuit's state provider can serve one pipeline only: GetOrAdd's factory may run twice, its result is one.
        _circuits.GetOrAdd(channelId, static _ => new CircuitBreakerStateProvider());

    /// <summary>The circuit opened for <paramref name="breakDuration"/>: after it, a call is a trial.</summary>
    public void Opened(string channelId, TimeSpan breakDuration) => _openUntil[channelId] = clock.GetUtcNow() + breakDuration;

    public void Record(string channelId, bool healthy, TimeSpan latency) =>
        _recent.GetOrAdd(channelId, static _ => new Samples()).Add(clock.GetUtcNow(), healthy, (long)latency.TotalMilliseconds, options.Value.HealthWindow);

    public ChannelHealthSnapshot Snapshot(string channelId)
    {
        var circuit = CircuitFor(channelId).CircuitState;
        var now = clock.GetUtcNow();
        var trialDue = circuit == CircuitState.Open && (!_openUntil.TryGetValue(channelId, out var until) || until <= now);
        if (!_recent.TryGetValue(channelId, out var samples) || samples.Totals(now, options.Value.HealthWindow) is not { Count: > 0 } totals)
        {
            return new ChannelHealthSnapshot(circuit, 1, 0, trialDue);
        }
        return new ChannelHealthSnapshot(circuit, totals.Healthy / (double)totals.Count, totals.LatencySum / totals.Count, trialDue);
    }

    /// <summary>One channel's samples in time order, with the totals of what is in the window kept as they change.</summary>
    private sealed class Samples
    {
        private readonly Lock _sync = new();
        private readonly Queue<(DateTimeOffset Time, bool Healthy, long LatencyMs)> _queue = new();
        private int _healthy;
        private long _latencySum;

        public void Add(DateTimeOffset now, bool healthy, long latencyMs, TimeSpan window)
        {
            lock (_sync)
            {
                _queue.Enqueue((now, healthy, latencyMs));
                _healthy += healthy ? 1 : 0;
                _latencySum += latencyMs;
                Prune(now, window);
            }
        }

        public (int Count, int Healthy, long LatencySum) Totals(DateTimeOffset now, TimeSpan window)
        {
            lock (_sync)
            {
                Prune(now, window);
                return (_queue.Count, _healthy, _latencySum);
            }
        }

        private void Prune(DateTimeOffset now, TimeSpan window)
        {
            var oldest = now - window;
            while (_queue.Count > 0 && (_queue.Count > MaxSamples || _queue.Peek().Time < oldest))
            {
                var (_, healthy, latency) = _queue.Dequeue();
                _healthy -= healthy ? 1 : 0;
                _latencySum -= latency;
            }
        }
    }
}
