using System.Globalization;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>
/// A period of whole days in the report time zone: [<see cref="Start"/>, <see cref="End"/>). Parsed from the API's
/// <c>month</c> (<c>YYYY-MM</c>) or <c>from_date</c>/<c>to_date</c> (<c>YYYY-MM-DD</c>, both inclusive); bad input is refused
/// with the field that is wrong.
/// </summary>
/// <param name="Start">The first instant of the period.</param>
/// <param name="End">The first instant after it.</param>
public sealed record ReportPeriod(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The calendar month <paramref name="month"/> (<c>YYYY-MM</c>) in the time zone at <paramref name="offset"/>.</summary>
    public static ReportPeriod Month(string month, TimeSpan offset, string field = "month")
    {
        var first = ParseMonth(month, field);
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), offset);
        return new ReportPeriod(start, start.AddMonths(1));
    }

    /// <summary>The first day of <paramref name="month"/>, or INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public static DateOnly ParseMonth(string month, string field)
    {
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) || month.Length != 7)
        {
            throw Invalid(field, "must be a month as YYYY-MM");
        }
        return InRange(first, field);
    }

    /// <summary>
    /// The bill's period from the request: <paramref name="month"/>, or the days <paramref name="from"/> to <paramref name="to"/>
    /// inclusive, at most <paramref name="maxDays"/> long.
    /// </summary>
    public static ReportPeriod ForBill(string month, string from, string to, TimeSpan offset, int maxDays)
    {
        if (month.Length > 0)
        {
            if (from.Length > 0 || to.Length > 0)
            {
                throw Invalid("month", "give month, or from_date and to_date, not both");
            }
            return Month(month, offset);
        }
        if (from.Length == 0)
        {
            throw Invalid("from_date", "give month, or from_date and to_date");
        }
        var first = ParseDay(from, "from_date");
        var last = ParseDay(to, "to_date");
        if (last < first)
        {
            throw Invalid("to_date", "must not be before from_date");
        }
        if (last.DayNumber - first.DayNumber + 1 > maxDays)
        {
            throw Invalid("to_date", $"the period may be at most {maxDays} days");
        }
        return new ReportPeriod(new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), offset), new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), offset));
    }

    private static DateOnly ParseDay(string value, string field) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? InRange(day, field) : throw Invalid(field, "must be a day as YYYY-MM-DD");

    private static DateOnly InRange(DateOnly day, string field) => PaymentYears.Contains(day) ? day : throw Invalid(field, PaymentYears.Reason);

    private static PaymentException Invalid(string field, string reason) =>
        new(ErrorCatalogue.ReportPeriodInvalid, $"{field}: {reason}", [new FieldViolation(field, reason)]);
}
