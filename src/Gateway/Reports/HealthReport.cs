namespace Paygate.Gateway.Reports;

/// <summary>A month's payment health report, as data (the API and the HTML page render it).</summary>
public sealed record HealthReport(
    string Month,
    string? GroupId,
    ReportPeriod Period,
    TimeSpan UtcOffset,
    SuccessCount Overall,
    IReadOnlyList<SuccessCount> ByChannel,
    IReadOnlyList<SuccessCount> ByRegion,
    IReadOnlyList<SuccessCount> ByHour,
    ProcessingTimes ProcessingTimes,
    IReadOnlyList<AbnormalCount> Abnormal,
    IReadOnlyList<Recommendation> Recommendations,
    VolumeForecast Forecast,
    string HolidayCalendar);

/// <summary>
/// How many payments of a kind there were and how they ended. Decided: SUCCEEDED, or FAILED or EXPIRED (unsuccessful); still in
/// progress and canceled by the merchant count in <see cref="Total"/> only.
/// </summary>
public sealed record SuccessCount(string Key, int Total, int Succeeded, int Unsuccessful)
{
    public int Decided => Succeeded + Unsuccessful;

    /// <summary>Succeeded over decided, 0 to 1; 0 when none was decided.</summary>
    public double Rate => Decided == 0 ? 0 : (double)Succeeded / Decided;
}

/// <summary>Average time from creation to success, by the kind of day of the creation.</summary>
public sealed record ProcessingTimes(int WorkingDayCount, TimeSpan WorkingDayAverage, int HolidayCount, TimeSpan HolidayAverage);

/// <summary>Failed and expired payments with one error code (<c>none</c>: expired without one).</summary>
public sealed record AbnormalCount(string ErrorCode, string Meaning, int Failed, int Expired)
{
    public int Total => Failed + Expired;
}

/// <summary>What the report suggests.</summary>
/// <param name="Kind">A channel switch in a region, or capacity for the forecast.</param>
/// <param name="Region">The region (switch only).</param>
/// <param name="Channel">The channel whose rate fell (switch only).</param>
/// <param name="PreviousRate">Its rate in the region last month.</param>
/// <param name="CurrentRate">Its rate this month.</param>
/// <param name="SuggestedChannel">The channel to put first instead.</param>
/// <param name="SuggestedRate">That channel's rate in the region this month.</param>
/// <param name="Text">In words.</param>
public sealed record Recommendation(RecommendationKind Kind, string Region, string Channel, double PreviousRate, double CurrentRate, string SuggestedChannel,
    double SuggestedRate, string Text);

public enum RecommendationKind
{
    SwitchChannel = 1,
    Capacity = 2,
}

/// <summary>Next month's forecast number of payments, how it was made, and the months it was made from (oldest first).</summary>
public sealed record VolumeForecast(string Method, string Month, long PaymentCount, IReadOnlyList<MonthVolume> History);

/// <summary>How many payments were created in a month (<c>YYYY-MM</c>).</summary>
public sealed record MonthVolume(string Month, long PaymentCount);
