using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>
/// A budget's period: the calendar month of the payment's creation in the business time zone (<see cref="BusinessTime"/>),
/// named <c>yyyy-MM</c>; the same month the payment's bill counts it in.
/// </summary>
public static class BudgetPeriod
{
    public static string Of(DateTimeOffset time) => BusinessTime.MonthOf(time);
}
