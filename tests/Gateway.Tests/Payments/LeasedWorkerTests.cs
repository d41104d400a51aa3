using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>The schedule, lease and failure handling every leased worker (recovery, statement pull, retention) shares.</summary>
public sealed class LeasedWorkerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AnInstanceWithoutTheLease_SkipsTheRun_AndRunsOnceItHoldsIt()
    {
        var clock = new TimerClock();
        var leases = new ScriptedLeases { Held = false };
        using var worker = new CountingWorker(leases, clock);
        await worker.StartAsync(CancellationToken.None);

        await TickAsync(clock, leases, 1);
        Assert.Equal(0, worker.Runs);

        leases.Held = true;
        await TickAsync(clock, leases, 2);
        await worker.RanAsync(1);
        Assert.All(leases.Asked, a => Assert.Equal(("test", Interval * 2), a));

        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(["test"], leases.Released);
    }

    [Fact]
    public async Task AFailedRun_IsTriedAgainAtTheNextTick()
    {
        var clock = new TimerClock();
        var leases = new ScriptedLeases();
        using var worker = new CountingWorker(leases, clock) { FailFirst = true };
        await worker.StartAsync(CancellationToken.None);

        await TickAsync(clock, leases, 1);
        Assert.Equal(0, worker.Runs);
        await TickAsync(clock, leases, 2);
        await worker.RanAsync(1);
        Assert.False(worker.ExecuteTask!.IsCompleted);

        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AStoreThatCannotBeReached_WhenTakingTheLease_SkipsTheRunWithoutStoppingTheWorker()
    {
        var clock = new TimerClock();
        var leases = new ScriptedLeases { Unavailable = true };
        using var worker = new CountingWorker(leases, clock);
        await worker.StartAsync(CancellationToken.None);

        await TickAsync(clock, leases, 1);
        leases.Unavailable = false;
        await TickAsync(clock, leases, 2);
        await worker.RanAsync(1);
        Assert.False(worker.ExecuteTask!.IsCompleted);

        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AWorkerThatRunsAtStart_RunsBeforeTheFirstTick()
    {
        var clock = new TimerClock();
        var leases = new ScriptedLeases();
        using var worker = new CountingWorker(leases, clock) { AtStart = true };
        await worker.StartAsync(CancellationToken.None);

        await worker.RanAsync(1);

        await worker.StopAsync(CancellationToken.None);
    }

    /// <summary>Moves the clock one interval and waits until the worker has asked for the lease the <paramref name="times"/>th time.</summary>
    private static async Task TickAsync(TimerClock clock, ScriptedLeases leases, int times)
    {
        // The worker starts on the thread pool: a move before its timer exists would be lost.
        await clock.TimerCreated.Task.WaitAsync(Wait);
        clock.Advance(Interval);
        var deadline = DateTime.UtcNow + Wait;
        while (leases.Asked.Count < times)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the worker asked for its lease {leases.Asked.Count} times, not {times}");
            await Task.Delay(10);
        }
    }

    /// <summary>A fake clock that tells when the worker's timer exists.</summary>
    private sealed class TimerClock : FakeTimeProvider
    {
        public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.TrySetResult();
            return timer;
        }
    }

    private sealed class ScriptedLeases : IWorkerLeases
    {
        public volatile bool Held = true;
        public volatile bool Unavailable;
        public ConcurrentQueue<(string, TimeSpan)> Asked { get; } = new();
        public ConcurrentQueue<string> Released { get; } = new();

        public string Holder => "this";

        public Task<bool> TryHoldAsync(string worker, TimeSpan lease, CancellationToken cancellationToken)
        {
            Asked.Enqueue((worker, lease));
            return Unavailable ? throw new StoreUnavailableException("the database is down", new InvalidOperationException()) : Task.FromResult(Held);
        }

        public Task ReleaseAsync(string worker, CancellationToken cancellationToken)
        {
            Released.Enqueue(worker);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingWorker(IWorkerLeases leases, TimeProvider clock) : LeasedWorker(leases, clock, NullLogger.Instance)
    {
        private int _runs;
        private int _failures;

        public int Runs => Volatile.Read(ref _runs);

        public bool FailFirst { get; init; }

        public bool AtStart { get; init; }

        protected override string LeaseName => "test";

        protected override TimeSpan Interval => LeasedWorkerTests.Interval;

        protected override bool RunsAtStart => AtStart;

        protected override Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken)
        {
            if (FailFirst && Interlocked.Increment(ref _failures) == 1)
            {
                // A timeout inside the run, not the worker's stop: the worker goes on.
                throw new TaskCanceledException("first run times out");
            }
            Interlocked.Increment(ref _runs);
            return Task.CompletedTask;
        }

        /// <summary>Waits until the worker has run <paramref name="runs"/> times (successful runs).</summary>
        public async Task RanAsync(int runs)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (Runs < runs)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the worker ran {Runs} times, not {runs}");
                await Task.Delay(10);
            }
        }
    }
}
