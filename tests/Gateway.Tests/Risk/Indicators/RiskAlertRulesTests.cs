using Paygate.Gateway.Risk.Indicators;

namespace Paygate.Gateway.Tests.Risk.Indicators;

public sealed class RiskAlertRulesTests
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private static RiskAlertRule DeclineThreshold(long minVolume, TimeSpan cooldown) => new()
    {
        Name = "decline-rate-high",
        Indicator = RiskIndicatorNames.DeclineRate,
        Kind = RiskAlertKinds.Threshold,
        Threshold = 0.5m,
        MinVolume = minVolume,
        Cooldown = cooldown,
    };

    [Fact]
    public void Threshold_FiresOnceWhenCrossed_OnThePaymentThatTippedIt_NotWhileItStaysCrossed()
    {
        var kit = new IndicatorTestKit(Morning, rules: DeclineThreshold(minVolume: 4, TimeSpan.Zero));

        kit.Finish("PM-1001"); // 1 of 1: far above, but too few to judge
        kit.Finish("PM-1001");
        kit.Finish();
        Assert.Empty(kit.Fired());
        var tipping = kit.Finish("PM-1001"); // 3 of 4
        var alert = Assert.Single(kit.Fired());
        kit.Finish("PM-1001"); // 4 of 5: still crossed, no second alert
        kit.Finish("PM-3005");

        Assert.Empty(kit.Fired());
        Assert.Equal((TestPayments.Merchant, tipping.Id, "decline-rate-high", "decline_rate", "0.75", "0.5", Morning),
            (alert.MerchantId, alert.PaymentId, alert.Rule, alert.Indicator, alert.Value, alert.Threshold, alert.FireTime));
        Assert.Contains("3 declined of 4 finished payments in the last hour", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cooldown_ACrossingWithinIt_FiresOnlyOnceItHasPassed()
    {
        var kit = new IndicatorTestKit(Morning, rules: DeclineThreshold(minVolume: 2, TimeSpan.FromMinutes(10)));
        kit.Finish("PM-1001");
        kit.Finish("PM-1001");
        Assert.Single(kit.Fired()); // 2 of 2
        kit.Finish();
        kit.Finish();
        kit.Finish(); // 2 of 5: back below
        kit.Clock.Advance(TimeSpan.FromMinutes(5));
        kit.Finish("PM-1001");
        kit.Finish("PM-1001"); // 4 of 7: crossed again, within the cooldown

        Assert.Empty(kit.Fired());
        kit.Clock.Advance(TimeSpan.FromMinutes(6));
        var tipping = kit.Finish("PM-1001"); // 5 of 8, the cooldown over
        Assert.Equal(tipping.Id, Assert.Single(kit.Fired()).PaymentId);
    }

    [Fact]
    public void AlertsDisabled_NothingFires_ButTheIndicatorsAreCounted()
    {
        var kit = new IndicatorTestKit(Morning, alertsEnabled: false, rules: DeclineThreshold(minVolume: 1, TimeSpan.Zero));
        kit.Finish("PM-1001");

        Assert.Empty(kit.Fired());
        Assert.Equal(1m, kit.Snapshot().DeclineRateLastHour);
    }

    [Fact]
    public void Cooldown_IsPerMerchant()
    {
        var kit = new IndicatorTestKit(Morning, rules: DeclineThreshold(minVolume: 2, TimeSpan.FromHours(1)));
        kit.Finish("PM-1001", "mch_a");
        kit.Finish("PM-1001", "mch_a");
        kit.Finish("PM-1001", "mch_b");
        kit.Finish("PM-1001", "mch_b");

        Assert.Equal(["mch_a", "mch_b"], kit.Fired().Select(a => a.MerchantId));
    }

    [Fact]
    public void Trend_FiresWhenTheMinuteRisesAboveFactorTimesTheBaseline_OnlyFromTheMinimumVolume()
    {
        var rule = new RiskAlertRule
        {
            Name = "minute-spike",
            Indicator = RiskIndicatorNames.PaymentsPerMinute,
            Kind = RiskAlertKinds.Trend,
            Factor = 3,
            Windows = 5,
            MinVolume = 10,
            Cooldown = TimeSpan.FromMinutes(15),
        };
        var kit = new IndicatorTestKit(Morning, rules: rule);
        for (var minute = 0; minute < 5; minute++)
        {
            kit.Create();
            kit.Create(); // two a minute: the baseline
            kit.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        kit.Clock.Advance(TimeSpan.FromMinutes(1).Add(TimeSpan.FromSeconds(10))); // 09:06:10: minutes 09:00 to 09:04 are the baseline

        for (var i = 0; i < 9; i++)
        {
            kit.Create(); // 9 > 3 x 2, but fewer than the minimum volume
        }
        Assert.Empty(kit.Fired());
        var tipping = kit.Create();

        var alert = Assert.Single(kit.Fired());
        Assert.Equal((tipping.Id, "10", "2"), (alert.PaymentId, alert.Value, alert.Threshold));
        Assert.Contains("3 times its baseline 2", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Trend_WithoutHistory_NeverFires()
    {
        var rule = new RiskAlertRule
        {
            Name = "decline-rising",
            Indicator = RiskIndicatorNames.DeclineRate,
            Kind = RiskAlertKinds.Trend,
            Factor = 2,
            Windows = 3,
            MinVolume = 5,
        };
        var kit = new IndicatorTestKit(Morning, rules: rule);
        for (var i = 0; i < 50; i++)
        {
            kit.Finish("PM-1001");
        }

        Assert.Empty(kit.Fired());
    }

    [Fact]
    public void Trend_OfAShare_ComparesTheLastHourWithThePooledShareOfTheHoursBefore()
    {
        var rule = new RiskAlertRule
        {
            Name = "decline-rising",
            Indicator = RiskIndicatorNames.DeclineRate,
            Kind = RiskAlertKinds.Trend,
            Factor = 2,
            Windows = 3,
            MinVolume = 5,
        };
        var kit = new IndicatorTestKit(Morning, rules: rule);
        for (var hour = 0; hour < 3; hour++)
        {
            kit.Finish("PM-1001");
            for (var i = 0; i < 4; i++)
            {
                kit.Finish(); // one in five declined
            }
            kit.Clock.Advance(TimeSpan.FromHours(1));
        }
        kit.Clock.Advance(TimeSpan.FromHours(1)); // 13:00: the hours 09 to 11 are the baseline, 0.2
        kit.Finish();
        kit.Finish();
        kit.Finish("PM-1001");
        kit.Finish("PM-1001"); // 0.5 but 4 < 5
        Assert.Empty(kit.Fired());
        kit.Finish("PM-1001"); // 3 of 5 = 0.6 > 2 x 0.2

        var alert = Assert.Single(kit.Fired());
        Assert.Equal(("0.6", "0.2"), (alert.Value, alert.Threshold));
    }
}
