namespace Paygate.Gateway.Groups;

/// <summary>A budget's period: the calendar month in UTC of the payment's creation, named <c>yyyy-MM</c>.</summary>
public static class BudgetPeriod
{
    public static string Of(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
