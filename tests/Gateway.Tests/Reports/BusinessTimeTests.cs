using Paygate.Gateway.Payments;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Reports;

namespace Paygate.Gateway.Tests.Reports;

/// <summary>One month for the money: a payment counts against the budget of the month whose bill and health report list it.</summary>
public sealed class BusinessTimeTests
{
    [Theory]
    [InlineData("2026-05-31T20:00:00Z", "2026-06")] // 04:00 on 1 June in Beijing: June's budget, June's bill
    [InlineData("2026-05-31T15:59:59Z", "2026-05")]
    [InlineData("2026-05-31T16:00:00Z", "2026-06")]
    [InlineData("2026-12-31T16:30:00Z", "2027-01")]
    public void BudgetPeriod_IsTheMonthWhoseReportPeriodHoldsThePayment(string created, string month)
    {
        var time = DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(month, BudgetPeriod.Of(time));
        var options = new ReportOptions();
        var bill = ReportPeriod.ForBill(BudgetPeriod.Of(time), "", "", options.UtcOffset, options.MaxBillDays);
        Assert.True(bill.Start <= time && time < bill.End, $"{time:O} is not in the bill's [{bill.Start:O}, {bill.End:O})");
        var previous = ReportPeriod.ForBill(bill.Start.AddDays(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), "", "", options.UtcOffset, options.MaxBillDays);
        Assert.True(time >= previous.End);
    }
}
