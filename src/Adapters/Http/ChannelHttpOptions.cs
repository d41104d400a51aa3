using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.Http;

/// <summary>
/// The HTTP resilience of one channel's client (section <c>ChannelHttp:Defaults</c>, each value overridable per channel under
/// <c>ChannelHttp:Channels:&lt;channel id&gt;</c>): a timeout per HTTP attempt, a circuit per network host, and retries of the
/// requests an adapter marks safe to send again (queries, statement pulls). Order creation is never retried here: the
/// gateway's channel pipeline (section <c>Resilience</c>) retries only what the network's answer says is safe. The channel's
/// own <c>TimeoutSeconds</c> bounds the whole call, retries included.
/// </summary>
internal sealed class ChannelHttpOptions
{
    public const string Section = "ChannelHttp";

    /// <summary>The longest one HTTP attempt may take; past it the attempt counts against the host's circuit and its outcome is unknown.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a request marked safe to repeat is sent again after a transient failure (5xx, 408, 429, transport error, attempt timeout).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The share of failed attempts to one host within <see cref="SamplingDuration"/> that opens the host's circuit.</summary>
    [Range(0.01, 1)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>How many attempts to one host the sampling window needs before its circuit may open.</summary>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an open host circuit refuses requests (as "channel down", nothing sent). Keep it shorter than the channel's
    /// <c>Resilience</c> break, so that the gateway's probe after that break reaches the network.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
