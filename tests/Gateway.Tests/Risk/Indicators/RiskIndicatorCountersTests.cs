using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Risk.Indicators;

public sealed class RiskIndicatorCountersTests
{
    private static readonly DateTimeOffset Evening = new(2026, 11, 28, 23, 59, 30, TimeSpan.Zero);

    [Fact]
    public void PaymentsPerMinute_IsASlidingMinute_WhileTodayAndItsPeakStartAgainAtMidnightUtc()
    {
        var kit = new IndicatorTestKit(Evening);
        for (var i = 0; i < 30; i++)
        {
            kit.Create();
        }
        kit.Clock.Advance(TimeSpan.FromSeconds(20)); // 23:59:50
        for (var i = 0; i < 10; i++)
        {
            kit.Create();
        }
        Assert.Equal((40L, 40L, 40L), (kit.Snapshot().PaymentsLastMinute, kit.Snapshot().PaymentsToday, kit.Snapshot().PeakPaymentsPerMinuteToday));

        kit.Clock.Advance(TimeSpan.FromSeconds(20)); // 00:00:10, the next day
        kit.Create();
        var snapshot = kit.Snapshot();
        // The last minute still holds yesterday's 40; today (and its peak) only today's one.
        Assert.Equal((41L, 1L, 1L), (snapshot.PaymentsLastMinute, snapshot.PaymentsToday, snapshot.PeakPaymentsPerMinuteToday));

        kit.Clock.Advance(TimeSpan.FromSeconds(50)); // 00:01:00: 23:59:50 is more than a minute ago
        Assert.Equal((1L, 1L, 1L), (kit.Snapshot().PaymentsLastMinute, kit.Snapshot().PaymentsToday, kit.Snapshot().PeakPaymentsPerMinuteToday));
    }

    [Fact]
    public void Peak_IsTheBusiestSlidingMinuteOfToday_NotTheCurrentOne()
    {
        var kit = new IndicatorTestKit(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < 12; i++)
        {
            kit.Create();
        }
        kit.Clock.Advance(TimeSpan.FromMinutes(5));
        kit.Create();

        var snapshot = kit.Snapshot();
        Assert.Equal((1L, 13L, 12L), (snapshot.PaymentsLastMinute, snapshot.PaymentsToday, snapshot.PeakPaymentsPerMinuteToday));
    }

    [Fact]
    public void DeclineRate_IsPayerAndRiskFailuresOverFinishedPayments_InTheLastHour()
    {
        var kit = new IndicatorTestKit(Evening);
        kit.Finish();
        kit.Finish();
        kit.Finish();
        kit.Finish("PM-1001"); // insufficient balance: a decline
        kit.Finish("PM-3005"); // blocked by risk control: a decline
        kit.Finish("PM-4002"); // the channel was down: finished, not a decline
        // Changes that finish nothing count for nothing: a payment waiting for the payer, an event of a failed one.
        var waiting = kit.Create();
        waiting.State = PaymentState.RequiresAction;
        kit.Counters.Saved(waiting, PaymentState.Processing, PaymentEventTypes.RequiresAction);
        var failed = kit.Finish("PM-1001");
        kit.Counters.Saved(failed, PaymentState.Failed, PaymentEventTypes.RiskAlert);

        Assert.Equal(0.4286m, kit.Snapshot().DeclineRateLastHour); // 3 of 7

        kit.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(0m, kit.Snapshot().DeclineRateLastHour);
    }

    [Fact]
    public void AbnormalIpShare_IsPaymentsWhoseIpRiskFoundAbnormal_OverPaymentsWithAnIp()
    {
        var kit = new IndicatorTestKit(Evening);
        kit.Create(ip: "203.0.113.7", riskHits: "geo.distance");
        kit.Create(ip: "203.0.113.8", riskHits: "lists.ip");
        kit.Create(ip: "203.0.113.9", riskHits: "lists.country");
        kit.Create(ip: "198.51.100.1", riskHits: "velocity.methods"); // a hit, but not about the IP
        kit.Create(ip: "198.51.100.2");
        kit.Create(ip: "198.51.100.3");
        kit.Create(); // no IP: not in the share at all

        Assert.Equal(0.5m, kit.Snapshot().AbnormalIpShareLastHour);
        kit.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0m, kit.Snapshot().AbnormalIpShareLastHour);
    }

    [Fact]
    public void Merchants_AreCountedApart_AndBeyondTheBoundTheIdlestAreForgotten()
    {
        var kit = new IndicatorTestKit(Evening, maxMerchants: 10);
        for (var i = 0; i < 10; i++)
        {
            kit.Create($"mch_{i}");
            kit.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        kit.Create("mch_0"); // busy again: now mch_1 is the idlest
        Assert.Equal(10, kit.Counters.MerchantCount);

        kit.Create("mch_new");

        Assert.True(kit.Counters.MerchantCount <= 10);
        Assert.Equal(0L, kit.Snapshot("mch_1").PaymentsToday);
        Assert.Equal(2L, kit.Snapshot("mch_0").PaymentsToday);
        Assert.Equal(1L, kit.Snapshot("mch_new").PaymentsToday);
        Assert.Equal(1L, kit.Snapshot("mch_9").PaymentsToday);
    }

    [Fact]
    public void UnknownMerchant_HasAllZeroIndicators()
    {
        var kit = new IndicatorTestKit(Evening);
        var snapshot = kit.Snapshot("mch_nobody");
        Assert.Equal(("mch_nobody", 0L, 0L, 0m, 0m), (snapshot.MerchantId, snapshot.PaymentsToday, snapshot.PaymentsLastMinute, snapshot.DeclineRateLastHour, snapshot.AbnormalIpShareLastHour));
    }
}
