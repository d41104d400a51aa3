using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Resilience;

/// <summary>The resilience of one channel's calls (section <c>Resilience</c>, overridable per channel under <c>Resilience:Channels:&lt;id&gt;</c>).</summary>
public sealed class ChannelResilienceOptions
{
    /// <summary>The longest one call may take; past it the outcome is unknown.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times a call answered with a RETRY_SAME error is sent again (the network de-duplicates by order number).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter. Bank channels: at least 60 s (PM-2003).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The share of failed calls within <see cref="SamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>How many calls the sampling window needs before the circuit may open.</summary>
    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 5;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before a probe call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most calls in flight to the channel at once; more wait in a queue (see <see cref="QueueLimit"/>).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>
    /// How many calls may wait for one of <see cref="MaxConcurrency"/>, oldest first, within the caller's deadline. Keep it at
    /// least the payment core's admission limit (<c>Admission:MaxInFlight</c>), so an admitted payment is never turned away here.
    /// </summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 1024;
}

/// <summary>Defaults for every channel plus per-channel overrides.</summary>
public sealed class ResilienceOptions
{
    public const string Section = "Resilience";

    public ChannelResilienceOptions Defaults { get; set; } = new();

    public Dictionary<string, ChannelResilienceOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How far back a channel's success rate and latency look: older calls age out, so an outage is forgotten once it is over.</summary>
    public TimeSpan HealthWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a channel whose circuit is open past its break duration is asked a harmless question (a query of an order that
    /// does not exist) through its own pipeline, so that the circuit closes again without waiting for a payment.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(10);

    public ChannelResilienceOptions For(string channelId) => Channels.TryGetValue(channelId, out var own) ? own : Defaults;
}
