using Paygate.Cli.Drills.Scenarios;
using Paygate.Cli.Drills.Simulators;

namespace Paygate.Cli.Drills.Running;

/// <summary>
/// Plays a scenario's phases against the simulators on the drill's clock: each phase's plan is set at its start and cleared at its
/// end (unless a later phase took the network over meanwhile). What it set is recorded for the report.
/// </summary>
public sealed class FaultSchedule(IReadOnlyList<FaultPhase> phases, SimulatorsClient simulators, IDrillProgress progress, TimeProvider clock)
{
    private readonly List<AppliedPhase> _applied = [];

    /// <summary>The phases as they were played, in order.</summary>
    public IReadOnlyList<AppliedPhase> Applied
    {
        get
        {
            lock (_applied)
            {
                return _applied.ToList();
            }
        }
    }

    /// <summary>Plays the phases from <paramref name="start"/> until they are done or <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(long start, CancellationToken stop)
    {
        var steps = phases
            .SelectMany((p, i) => p.For is { } length
                ? new[] { (Time: p.At, Index: i, Starts: true), (Time: p.At + length, Index: i, Starts: false) }
                : [(Time: p.At, Index: i, Starts: true)])
            .OrderBy(s => s.Time).ThenBy(s => s.Starts)
            .ToList();
        var holder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var wait = TimeSpan.FromSeconds(step.Time) - clock.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, stop);
            }
            var phase = phases[step.Index];
            if (step.Starts)
            {
                var until = phase.For is { } length ? clock.GetUtcNow().AddSeconds(length) : (DateTimeOffset?)null;
                await simulators.SetFaultsAsync(phase.Network, phase.Faults, until, stop);
                holder[phase.Network] = step.Index;
                Record(new AppliedPhase(step.Index, phase.Network, clock.GetElapsedTime(start).TotalSeconds, null, Describe(phase.Faults)));
                progress.Note($"t={clock.GetElapsedTime(start).TotalSeconds:F0}s {phase.Network}: {Describe(phase.Faults)}");
            }
            else if (holder.GetValueOrDefault(phase.Network, -1) == step.Index)
            {
                await simulators.SetFaultsAsync(phase.Network, null, null, stop);
                holder.Remove(phase.Network);
                Ended(step.Index, clock.GetElapsedTime(start).TotalSeconds);
                progress.Note($"t={clock.GetElapsedTime(start).TotalSeconds:F0}s {phase.Network}: faults stopped");
            }
        }
    }

    /// <summary>Marks the phases still on as ended at <paramref name="seconds"/> (every fault is cleared when the payments are done).</summary>
    public void EndAll(double seconds)
    {
        lock (_applied)
        {
            for (var i = 0; i < _applied.Count; i++)
            {
                _applied[i] = _applied[i] with { EndedAt = _applied[i].EndedAt ?? seconds };
            }
        }
    }

    /// <summary>A fault plan in a few words.</summary>
    public static string Describe(PhaseFaults f)
    {
        var parts = new List<string>();
        if (f.Outage)
        {
            parts.Add("outage (HTTP 503)");
        }
        if (f.LatencyMs > 0)
        {
            parts.Add($"+{f.LatencyMs} ms latency");
        }
        if (f.ErrorRate > 0)
        {
            parts.Add($"{f.ErrorRate:P0} answered {f.ErrorCode}");
        }
        if (f.LoseResponseRate > 0)
        {
            parts.Add($"{f.LoseResponseRate:P0} responses lost after processing");
        }
        if (f.TamperRate > 0)
        {
            parts.Add($"{f.TamperRate:P0} answers tampered");
        }
        if (f.TimeoutRate > 0)
        {
            parts.Add($"{f.TimeoutRate:P0} calls hang {f.TimeoutMs ?? 30_000} ms");
        }
        if (f.Limit is { } limit)
        {
            parts.Add($"at most {limit} faults");
        }
        var what = parts.Count == 0 ? "no faults" : string.Join(", ", parts);
        return f.Methods.Count == 0 ? what : $"{what} (only {string.Join(", ", f.Methods)})";
    }

    private void Record(AppliedPhase phase)
    {
        lock (_applied)
        {
            _applied.Add(phase);
        }
    }

    private void Ended(int index, double seconds)
    {
        lock (_applied)
        {
            var i = _applied.FindLastIndex(p => p.Index == index);
            if (i >= 0)
            {
                _applied[i] = _applied[i] with { EndedAt = seconds };
            }
        }
    }
}

/// <summary>A phase as it was played: when it started and ended (seconds from the drill's start) and what it did.</summary>
public sealed record AppliedPhase(int Index, string Network, double StartedAt, double? EndedAt, string Faults);
