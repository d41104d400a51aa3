using System.Diagnostics;

namespace Paygate.Bench;

/// <summary>What one closed-loop run measured: throughput and latency percentiles of the calls that succeeded.</summary>
internal sealed record RunFigures(string Name, int InFlight, int Calls, int Errors, double PerSecond, double P50Ms, double P99Ms, double MaxMs, string? FirstError)
{
    public override string ToString() =>
        $"{Name,-34} c={InFlight,-3} {PerSecond,9:F0}/s  p50 {P50Ms,7:F2} ms  p99 {P99Ms,8:F2} ms  max {MaxMs,8:F1} ms  calls {Calls,7}  errors {Errors}"
        + (FirstError is null ? "" : $"  (first: {FirstError})");
}

/// <summary>
/// A closed loop: <c>inFlight</c> callers, each starting its next call when the last one ends, for a fixed time
/// (or a fixed number of calls in smoke mode). A short warm-up is not counted.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<RunFigures> RunAsync(string name, int inFlight, TimeSpan duration, int? maxCalls, Func<int, Task> call)
    {
        // Warm-up: JIT, connections, pools.
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async i =>
        {
            for (var n = 0; n < 3; n++)
            {
                try
                {
                    await call(i);
                }
                catch (Exception)
                {
                    // counted in the measured run
                }
            }
        }));

        var latencies = new List<double>[inFlight];
        var errors = 0;
        string? firstError = null;
        var issued = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (clock.Elapsed < duration && (maxCalls is null || Interlocked.Increment(ref issued) <= maxCalls))
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(worker);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, ex.Message.Length > 160 ? ex.Message[..160] : ex.Message, null);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double At(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        return new RunFigures(name, inFlight, all.Length, errors, all.Length / elapsed, At(0.50), At(0.99), all.Length == 0 ? double.NaN : all[^1], firstError);
    }
}
