using Paygate.Gateway.Payments;
using Paygate.Gateway.Reports;

namespace Paygate.Gateway.Tests.Reports;

public sealed class HealthReportTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly HolidayCalendar Calendar = new("test", new Dictionary<DateOnly, bool>
    {
        [new DateOnly(2026, 10, 1)] = false,    // a Thursday off
        [new DateOnly(2026, 10, 10)] = true,    // a Saturday worked
    });

    [Fact]
    public void Tally_SuccessRates_CountFailedAndExpiredAsUnsuccessful_AndInProgressOrCanceledAsNeither()
    {
        var tally = new HealthTally(Calendar, Beijing);
        var at = new DateTimeOffset(2026, 10, 12, 1, 30, 0, TimeSpan.Zero); // 09:30 in Beijing
        foreach (var state in new[] { PaymentState.Succeeded, PaymentState.Succeeded, PaymentState.Succeeded, PaymentState.Failed, PaymentState.Expired,
                     PaymentState.Processing, PaymentState.Canceled })
        {
            tally.Add(ReportData.Payment(at, state));
        }
        tally.Add(ReportData.Payment(at.AddHours(5), PaymentState.Failed, channel: "wechatpay", country: "HK", errorCode: "PM-1001"));

        Assert.Equal(new SuccessCount("all", 8, 3, 3), tally.Overall);
        Assert.Equal(0.5, tally.Overall.Rate);
        Assert.Equal([new SuccessCount("alipay", 7, 3, 2), new SuccessCount("wechatpay", 1, 0, 1)], tally.ByChannel);
        Assert.Equal(["CN", "HK"], tally.ByRegion.Select(r => r.Key));
        Assert.Equal(24, tally.ByHour.Count);
        Assert.Equal(7, tally.ByHour[9].Total);
        Assert.Equal(1, tally.ByHour[14].Total);
        Assert.Equal([("none", 1, 1), ("PM-1001", 1, 0)], tally.Abnormal.Select(a => (a.ErrorCode, a.Failed, a.Expired)));
    }

    [Fact]
    public void Tally_ProcessingTime_SplitsWorkingDaysFromWeekendsAndHolidays_InTheReportTimeZone()
    {
        var tally = new HealthTally(Calendar, Beijing);
        // Monday 12 Oct, 10:00 Beijing: working.
        tally.Add(ReportData.Payment(new DateTimeOffset(2026, 10, 12, 2, 0, 0, TimeSpan.Zero), PaymentState.Succeeded, took: TimeSpan.FromSeconds(10)));
        // Saturday 10 Oct, a worked Saturday.
        tally.Add(ReportData.Payment(new DateTimeOffset(2026, 10, 10, 2, 0, 0, TimeSpan.Zero), PaymentState.Succeeded, took: TimeSpan.FromSeconds(30)));
        // Thursday 1 Oct, a holiday.
        tally.Add(ReportData.Payment(new DateTimeOffset(2026, 10, 1, 2, 0, 0, TimeSpan.Zero), PaymentState.Succeeded, took: TimeSpan.FromSeconds(60)));
        // Friday 16 Oct 23:30 UTC is Saturday 17 Oct 07:30 in Beijing: a weekend.
        tally.Add(ReportData.Payment(new DateTimeOffset(2026, 10, 16, 23, 30, 0, TimeSpan.Zero), PaymentState.Succeeded, took: TimeSpan.FromSeconds(120)));
        // A failure is not timed.
        tally.Add(ReportData.Payment(new DateTimeOffset(2026, 10, 12, 2, 0, 0, TimeSpan.Zero), PaymentState.Failed, took: TimeSpan.FromHours(3)));

        Assert.Equal(new ProcessingTimes(2, TimeSpan.FromSeconds(20), 2, TimeSpan.FromSeconds(90)), tally.ProcessingTimes);
    }

    [Theory]
    [InlineData(new long[] { 100, 120, 140 }, 160)]
    [InlineData(new long[] { 0, 0, 50, 40, 30 }, 20)]       // months before the first payment are left out
    [InlineData(new long[] { 30, 10, 0 }, 0)]               // a falling trend is floored at 0
    [InlineData(new long[] { 0, 0, 75 }, 75)]               // one month: the same again
    [InlineData(new long[] { 0, 0 }, 0)]
    [InlineData(new long[] { 10, 30, 20, 40 }, 45)]         // least squares: slope 8, intercept 13 -> 45
    public void LinearTrend_Forecasts(long[] counts, long expected)
    {
        var history = counts.Select((c, i) => new MonthVolume($"2026-{i + 1:00}", c)).ToList();

        var forecast = VolumeForecasts.LinearTrend(history, "2026-12");

        Assert.Equal(expected, forecast.PaymentCount);
        Assert.Contains("linear trend", forecast.Method);
    }

    [Fact]
    public void Switches_WhenAChannelFellInARegion_SuggestTheRegionsBestChannel()
    {
        var previous = new Dictionary<(string, string), SuccessCount>
        {
            [("CN", "alipay")] = new("alipay", 20, 19, 1),
            [("CN", "wechatpay")] = new("wechatpay", 20, 15, 5),
            [("HK", "alipay")] = new("alipay", 20, 18, 2),
        };
        var current = new Dictionary<(string, string), SuccessCount>
        {
            [("CN", "alipay")] = new("alipay", 20, 12, 8),        // 95% -> 60%
            [("CN", "wechatpay")] = new("wechatpay", 20, 18, 2),  // 90%
            [("CN", "unionpay")] = new("unionpay", 3, 3, 0),      // too few to trust
            [("HK", "alipay")] = new("alipay", 20, 17, 3),        // 90% -> 85%: no better channel in HK
        };

        var suggestions = ChannelRecommendations.Switches(current, previous, threshold: 0.05, minimumSample: 5);

        var switched = Assert.Single(suggestions);
        Assert.Equal(("CN", "alipay", "wechatpay"), (switched.Region, switched.Channel, switched.SuggestedChannel));
        Assert.Equal((0.95, 0.6, 0.9), (switched.PreviousRate, switched.CurrentRate, switched.SuggestedRate));
        Assert.Contains("fell from 95.0% to 60.0%", switched.Text);
    }

    [Fact]
    public void Switches_SmallDropOrSmallSample_SuggestNothing()
    {
        var previous = new Dictionary<(string, string), SuccessCount> { [("CN", "alipay")] = new("alipay", 100, 95, 5), [("CN", "card")] = new("card", 4, 4, 0) };
        var current = new Dictionary<(string, string), SuccessCount>
        {
            [("CN", "alipay")] = new("alipay", 100, 92, 8),    // -3 points
            [("CN", "card")] = new("card", 4, 1, 3),          // under the sample in both months
            [("CN", "wechatpay")] = new("wechatpay", 100, 99, 1),
        };

        Assert.Empty(ChannelRecommendations.Switches(current, previous, threshold: 0.05, minimumSample: 5));
    }

    [Fact]
    public void HolidayCalendar_ShippedFile_KnowsChinasHolidaysAndExchangedWorkdays()
    {
        var calendar = HolidayCalendar.Load(Path.Combine(AppContext.BaseDirectory, "holidays-cn.txt"));

        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 10, 1)));  // National Day, a Wednesday
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 9, 28)));   // a Sunday worked in exchange
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 2, 17)));  // Spring Festival 2026
        Assert.False(calendar.IsWorkingDay(new DateOnly(2027, 2, 8)));   // Spring Festival 2027 (provisional), a Monday
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 11, 30)));  // an ordinary Monday
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 11, 29))); // an ordinary Sunday
    }

    [Fact]
    public void HolidayCalendar_MalformedLine_IsAnErrorNamingTheLine()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, ["# ok", "2026-10-01 holiday National Day", "2026-13-01 holiday nonsense"]);

        var error = Assert.Throws<FormatException>(() => HolidayCalendar.Load(path));

        Assert.Contains(":3:", error.Message);
        File.Delete(path);
    }

    [Theory]
    [InlineData("2026-13", "", "", "month")]
    [InlineData("26-11", "", "", "month")]
    [InlineData("2026-11", "2026-11-01", "", "month")]
    [InlineData("", "2026-11-30", "2026-11-01", "to_date")]
    [InlineData("", "2026-01-01", "2027-01-02", "to_date")]
    [InlineData("", "2026-11-01", "2026-11-31", "to_date")]
    [InlineData("", "", "", "from_date")]
    [InlineData("9999-12", "", "", "month")]
    [InlineData("0001-01", "", "", "month")]
    [InlineData("", "2026-01-01", "9999-12-31", "to_date")]
    public void Period_BadInput_IsRefusedNamingTheField(string month, string from, string to, string field)
    {
        var refusal = Assert.Throws<PaymentException>(() => ReportPeriod.ForBill(month, from, to, TimeSpan.FromHours(8), 366));

        Assert.Equal("PM-6072", refusal.Code.Code);
        Assert.Equal(field, Assert.Single(refusal.Violations).Field);
    }

    [Fact]
    public void Period_Month_IsTheCalendarMonthInTheReportTimeZone()
    {
        var period = ReportPeriod.ForBill("2026-11", "", "", TimeSpan.FromHours(8), 366);

        Assert.Equal(new DateTimeOffset(2026, 10, 31, 16, 0, 0, TimeSpan.Zero), period.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), period.End);
        Assert.Equal(period.End, ReportPeriod.ForBill("", "2026-11-01", "2026-11-30", TimeSpan.FromHours(8), 366).End);
    }
}
