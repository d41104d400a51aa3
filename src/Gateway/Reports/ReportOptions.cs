using Paygate.Gateway.Payments;
using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Reports;

/// <summary>The bills' and health reports' settings (section <c>Reports</c>).</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>
    /// The report time zone's offset from UTC: days, months and hours of the day are read in it. It is the business time zone
    /// (<see cref="BusinessTime"/>), not a setting of its own, so that a bill's month is the budgets' month.
    /// </summary>
    public TimeSpan UtcOffset => BusinessTime.Offset;

    /// <summary>The public-holiday calendar (see <see cref="HolidayCalendar"/>); the shipped one is China's.</summary>
    public string HolidayCalendarPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "holidays-cn.txt");

    /// <summary>The longest period a bill may cover, in days.</summary>
    [Range(1, 3660)]
    public int MaxBillDays { get; set; } = 366;

    /// <summary>How many payments one store read takes while a bill or report walks its period.</summary>
    [Range(10, 10_000)]
    public int ReadPageSize { get; set; } = 500;

    /// <summary>How many months before the reported one the volume forecast looks at.</summary>
    [Range(1, 24)]
    public int ForecastMonths { get; set; } = 5;

    /// <summary>How many points (0 to 1) a channel's success rate in a region must fall by before a switch is suggested.</summary>
    [Range(0.0, 1.0)]
    public double RateDropThreshold { get; set; } = 0.05;

    /// <summary>How many decided payments a channel needs in a region, in each month, before its rate is compared.</summary>
    [Range(1, 100_000)]
    public int MinimumSample { get; set; } = 5;
}
