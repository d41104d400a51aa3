using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Tests.Risk;

public sealed class VelocityWindowsTests
{
    private static readonly DateTimeOffset Now = RiskTestRules.Now;

    [Fact]
    public void MethodsWithin_CountsOnlyTheWindowAndTheMethodAsked()
    {
        var windows = new VelocityWindows(1_000);
        windows.RecordPayment("k", Now.AddMinutes(-10), "unionpay", "CNY", 1);
        windows.RecordPayment("k", Now.AddMinutes(-3), "alipay", "CNY", 1);
        windows.RecordMethod("k", Now.AddMinutes(-1), "wechatpay");

        Assert.Equal(["alipay", "card", "wechatpay"], windows.MethodsWithin("k", Now, TimeSpan.FromMinutes(5), "card"));
        Assert.Equal(["card"], windows.MethodsWithin("other", Now, TimeSpan.FromMinutes(5), "card"));
    }

    [Fact]
    public void Today_StartsAgainAtMidnightUtc()
    {
        var windows = new VelocityWindows(1_000);
        var lateEvening = new DateTimeOffset(2026, 11, 29, 23, 59, 0, TimeSpan.Zero);
        windows.RecordPayment("k", lateEvening, "alipay", "CNY", 700);
        windows.RecordPayment("k", lateEvening, "alipay", "USD", 5);

        Assert.Equal((2, 700), windows.Today("k", lateEvening, "CNY"));
        Assert.Equal((0, 0), windows.Today("k", lateEvening.AddMinutes(2), "CNY"));
        windows.RecordPayment("k", lateEvening.AddMinutes(2), "alipay", "CNY", 40);
        Assert.Equal((1, 40), windows.Today("k", lateEvening.AddMinutes(2), "CNY"));
    }

    [Fact]
    public void Keys_AreBounded_DroppingTheLeastRecentlySeen()
    {
        var windows = new VelocityWindows(1_000);
        for (var i = 0; i < 5_000; i++)
        {
            windows.RecordPayment($"k{i}", Now.AddSeconds(i), "alipay", "CNY", 1);
        }

        Assert.InRange(windows.Count, 1, 1_000);
        Assert.Equal((1, 1), windows.Today("k4999", Now.AddSeconds(4999), "CNY"));
        Assert.Equal((0, 0), windows.Today("k0", Now.AddSeconds(4999), "CNY"));
    }

    [Fact]
    public async Task ManyThreads_CountEveryPayment()
    {
        var windows = new VelocityWindows(100_000);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                windows.RecordPayment($"k{i % 10}", Now, "alipay", "CNY", 1);
            }
        })));

        Assert.Equal(10 * 8_000, Enumerable.Range(0, 10).Sum(i => windows.Today($"k{i}", Now, "CNY").Count));
    }
}
