using System.Globalization;
using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Reports;

/// <summary>
/// Builds a month's payment health report for a merchant or one of its groups: the month's payments tallied
/// (<see cref="HealthTally"/>), the month before tallied too (for the channel switches), and the months before that counted by the
/// store (for the forecast). Each month is walked a store page at a time.
/// </summary>
public sealed class HealthReports(ReportPayments payments, IOptions<ReportOptions> options)
{
    private readonly Lazy<HolidayCalendar> _calendar = new(() => HolidayCalendar.Load(options.Value.HolidayCalendarPath));

    /// <summary>The holiday calendar in use (loaded on first use from <see cref="ReportOptions.HolidayCalendarPath"/>).</summary>
    public HolidayCalendar Calendar => _calendar.Value;

    public async Task<HealthReport> BuildAsync(string merchantId, string? groupId, string month, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var first = ReportPeriod.ParseMonth(month, "month");
        if (groupId is not null)
        {
            await payments.EnsureGroupAsync(merchantId, groupId, cancellationToken);
        }
        var period = ReportPeriod.Month(month, settings.UtcOffset);
        var current = await TallyAsync(merchantId, groupId, period, cancellationToken);
        var previous = await TallyAsync(merchantId, groupId, ReportPeriod.Month(Name(first.AddMonths(-1)), settings.UtcOffset), cancellationToken);

        var history = new List<MonthVolume>();
        for (var back = settings.ForecastMonths; back >= 2; back--)
        {
            var name = Name(first.AddMonths(-back));
            history.Add(new MonthVolume(name, await payments.CountAsync(merchantId, groupId, ReportPeriod.Month(name, settings.UtcOffset), cancellationToken)));
        }
        history.Add(new MonthVolume(Name(first.AddMonths(-1)), previous.Count));
        history.Add(new MonthVolume(month, current.Count));
        var forecast = VolumeForecasts.LinearTrend(history, Name(first.AddMonths(1)));

        var recommendations = ChannelRecommendations.Switches(current.ByRegionAndChannel, previous.ByRegionAndChannel, settings.RateDropThreshold,
            settings.MinimumSample).ToList();
        recommendations.Add(ChannelRecommendations.Capacity(forecast, current.Count));
        return new HealthReport(month, groupId, period, settings.UtcOffset, current.Overall, current.ByChannel, current.ByRegion, current.ByHour,
            current.ProcessingTimes, current.Abnormal, recommendations, forecast, Calendar.Name);
    }

    private async Task<HealthTally> TallyAsync(string merchantId, string? groupId, ReportPeriod period, CancellationToken cancellationToken)
    {
        var tally = new HealthTally(Calendar, options.Value.UtcOffset);
        await foreach (var payment in payments.ReadAsync(merchantId, groupId, period, null, cancellationToken))
        {
            tally.Add(payment);
        }
        return tally;
    }

    private static string Name(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
