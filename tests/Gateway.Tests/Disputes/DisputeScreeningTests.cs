using Paygate.Gateway.Disputes;

namespace Paygate.Gateway.Tests.Disputes;

/// <summary>Level 1: a success against its customer's history.</summary>
public sealed class DisputeScreeningTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly DisputeOptions Options = new();

    private static ScreenedPayment Paid(long amount, string channel = "alipay", string country = "CN", string currency = "CNY", string customer = "cus_1") =>
        new("pay_" + Guid.NewGuid().ToString("N"), "mch_1", customer, amount, currency, channel, country, Now);

    private static List<ScreenedPayment> History(params long[] amounts) => [.. amounts.Select(a => Paid(a))];

    [Fact]
    public void Check_AmountMoreThan20PercentAboveTheMedian_ReportsTheDeviationWithItsNumbers()
    {
        var report = DisputeScreening.Check(Paid(150_000), History(100_000, 90_000, 110_000, 100_000, 500_000), Options);

        var deviation = Assert.Single(report!.Deviations);
        Assert.Equal(("amount", "150000", "100000", "50.0"), (deviation.Kind, deviation.Observed, deviation.Usual, deviation.DeviationPercent));
        Assert.Equal((5, 100_000L, "cus_1"), (report.HistorySize, report.UsualAmountMinor, report.CustomerId));
        Assert.Contains("1500.00 CNY is 50.0% above the customer's usual 1000.00 CNY (median of 5 earlier payments", deviation.Description, StringComparison.Ordinal);
        Assert.Contains(deviation.Description, report.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(120_000, false)]
    [InlineData(120_001, true)]
    [InlineData(80_000, false)]
    [InlineData(79_999, true)]
    public void Check_TwentyPercentIsTheEdge_AboveOrBelow(long amount, bool deviates)
    {
        var report = DisputeScreening.Check(Paid(amount), History(100_000, 100_000, 100_000), Options);

        Assert.Equal(deviates, report is not null);
    }

    [Fact]
    public void Check_ANewChannelAndCountry_AreDeviationsEvenAtTheUsualAmount()
    {
        var report = DisputeScreening.Check(Paid(100_000, channel: "card", country: "US"), History(100_000, 100_000, 100_000), Options);

        Assert.Equal(["channel", "country"], report!.Deviations.Select(d => d.Kind));
        Assert.Equal(("card", "alipay"), (report.Deviations[0].Observed, report.Deviations[0].Usual));
        Assert.Equal(("US", "CN"), (report.Deviations[1].Observed, report.Deviations[1].Usual));
    }

    [Fact]
    public void Check_TooLittleHistoryOrNoCustomer_ReportsNothing()
    {
        Assert.Null(DisputeScreening.Check(Paid(900_000, channel: "card"), History(100_000, 100_000), Options));
        Assert.Null(DisputeScreening.Check(Paid(900_000, customer: ""), History(100_000, 100_000, 100_000), Options));
    }

    [Fact]
    public void Check_AmountsInAnotherCurrency_AreNotTheUsualAmount()
    {
        var history = History(100_000, 100_000, 100_000);
        var report = DisputeScreening.Check(Paid(900_000, currency: "USD"), history, Options);

        Assert.Null(report);
    }
}
