namespace Paygate.Simulators.Faults;

/// <summary>
/// Faults a test or a drill injects into one simulated network. Rates are 0..1 and drawn per call.
/// The nastiest is <see cref="LoseResponseRate"/>: the network processes the call, then drops the connection.
/// </summary>
public sealed record FaultPlan
{
    /// <summary>Added latency before each answer, in milliseconds.</summary>
    public int LatencyMs { get; init; }
    /// <summary>Share of calls answered with <see cref="ErrorCode"/> instead of being processed.</summary>
    public double ErrorRate { get; init; }
    /// <summary>The native error to answer with, e.g. <c>40004/ACQ.SYSTEM_ERROR</c> or <c>20000/isp.unknow-error</c>.</summary>
    public string ErrorCode { get; init; } = "20000/isp.unknow-error";
    /// <summary>Share of calls that are processed but whose response is lost (the connection is aborted).</summary>
    public double LoseResponseRate { get; init; }
    /// <summary>Share of calls that are processed but whose signed response is altered on the way (a man in the middle).</summary>
    public double TamperRate { get; init; }
    /// <summary>Share of calls that hang, unprocessed, for <see cref="TimeoutMs"/> and are then dropped.</summary>
    public double TimeoutRate { get; init; }
    /// <summary>How long a hanging call hangs.</summary>
    public int TimeoutMs { get; init; } = 30_000;
    /// <summary>While now is before this, every call gets HTTP 503 without being processed.</summary>
    public DateTimeOffset? OutageUntil { get; init; }
    /// <summary>After this many faults the plan injects no more (null: no limit). Handy for "fail once".</summary>
    public int? Limit { get; init; }
    /// <summary>Only calls to these methods are affected; empty means all.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    public static FaultPlan None { get; } = new();

    public bool Applies(string method) => Methods.Count == 0 || Methods.Contains(method);
}
