using System.Globalization;

namespace Paygate.Gateway.Payments;

/// <summary>
/// The gateway's business time zone, one rule for every "month" and "day" of the money: a sub-account's budget period
/// (<see cref="Groups.BudgetPeriod"/>) and the bills' and health reports' periods (<see cref="Reports.ReportPeriod"/>) read a payment's
/// creation time here, so a payment counts against the same month's budget as the bill it appears on. A fixed offset (China
/// keeps no daylight saving), not a setting: budgets already held in one month must not move to another when it changes.
/// </summary>
public static class BusinessTime
{
    /// <summary>UTC+08:00.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The month (<c>yyyy-MM</c>) <paramref name="time"/> falls in, in the business time zone.</summary>
    public static string MonthOf(DateTimeOffset time) => time.ToOffset(Offset).ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
