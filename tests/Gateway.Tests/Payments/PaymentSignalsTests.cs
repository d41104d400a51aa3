using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>Waiters for a payment's next change: woken by it, and gone when their watcher stops waiting.</summary>
public sealed class PaymentSignalsTests
{
    [Fact]
    public async Task AChange_WakesItsWaiters_AndLeavesNoneBehind()
    {
        var signals = new PaymentSignals();
        var change = signals.NextChangeAsync("pay_a", CancellationToken.None);

        signals.Changed("pay_a");

        await change.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, signals.WaiterCount);
    }

    [Fact]
    public async Task AWatcherThatStops_TakesItsWaiterAway_ForAPaymentThatNeverChangesAgain()
    {
        var signals = new PaymentSignals();
        using var watching = new CancellationTokenSource();
        var change = signals.NextChangeAsync("pay_final", watching.Token);
        var other = signals.NextChangeAsync("pay_other", CancellationToken.None);
        Assert.Equal(2, signals.WaiterCount);

        await watching.CancelAsync();

        Assert.True(change.IsCanceled);
        Assert.Equal(1, signals.WaiterCount);
        signals.Changed("pay_other");
        await other.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, signals.WaiterCount);
    }
}
