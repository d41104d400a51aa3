namespace Paygate.Simulators.Faults;

/// <summary>Holds a network's current fault plan and draws from it; thread-safe.</summary>
public sealed class FaultInjector(TimeProvider clock)
{
    private volatile FaultPlan _plan = FaultPlan.None;
    private int _injected;
    private readonly Random _random = new();
    private readonly Lock _gate = new();

    public FaultPlan Plan
    {
        get => _plan;
        set
        {
            _plan = value;
            Interlocked.Exchange(ref _injected, 0);
        }
    }

    /// <summary>How many calls drew a fault since the plan was set (counted only for a plan with a <see cref="FaultPlan.Limit"/>).</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>What happens to one call of <paramref name="method"/>.</summary>
    public FaultDecision Draw(string method)
    {
        var decision = DrawUnlimited(method);
        if (decision.Kind != FaultKind.None && _plan.Limit is { } limit && Interlocked.Increment(ref _injected) > limit)
        {
            return new FaultDecision(FaultKind.None, 0, null);
        }
        return decision;
    }

    private FaultDecision DrawUnlimited(string method)
    {
        var plan = _plan;
        if (!plan.Applies(method))
        {
            return new FaultDecision(FaultKind.None, 0, null);
        }
        if (plan.OutageUntil is { } until && clock.GetUtcNow() < until)
        {
            return new FaultDecision(FaultKind.Outage, plan.LatencyMs, null);
        }
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }
        if (roll < plan.ErrorRate)
        {
            return new FaultDecision(FaultKind.NativeError, plan.LatencyMs, plan.ErrorCode);
        }
        roll -= plan.ErrorRate;
        if (roll < plan.TimeoutRate)
        {
            return new FaultDecision(FaultKind.Timeout, plan.TimeoutMs, null);
        }
        roll -= plan.TimeoutRate;
        if (roll < plan.LoseResponseRate)
        {
            return new FaultDecision(FaultKind.LoseResponse, plan.LatencyMs, null);
        }
        roll -= plan.LoseResponseRate;
        if (roll < plan.TamperRate)
        {
            return new FaultDecision(FaultKind.TamperResponse, plan.LatencyMs, null);
        }
        return new FaultDecision(FaultKind.None, plan.LatencyMs, null);
    }
}

public enum FaultKind { None, Outage, NativeError, Timeout, LoseResponse, TamperResponse }

/// <param name="Kind">What goes wrong, if anything.</param>
/// <param name="DelayMs">How long to wait before answering (or hanging).</param>
/// <param name="NativeError">The native error to answer with, for <see cref="FaultKind.NativeError"/>.</param>
public sealed record FaultDecision(FaultKind Kind, int DelayMs, string? NativeError);
