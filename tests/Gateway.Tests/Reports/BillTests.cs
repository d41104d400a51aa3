using Paygate.Gateway.Payments;
using Paygate.Gateway.Reports;

namespace Paygate.Gateway.Tests.Reports;

public sealed class BillTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 3, 2, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Of_SucceededWithRefunds_GivesThePaymentThenEachConfirmedRefundNegative()
    {
        var payment = ReportData.Payment(Created, PaymentState.Succeeded, amount: 50_000);
        payment.Refunds.Add(Refund(payment, 1, 12_000, RefundState.Succeeded));
        payment.Refunds.Add(Refund(payment, 2, 5_000, RefundState.Failed));
        payment.Refunds.Add(Refund(payment, 3, 3_000, RefundState.Pending));

        var lines = BillLine.Of(payment).ToList();

        Assert.Equal([(false, 50_000L), (true, -12_000L)], lines.Select(l => (l.IsRefund, l.AmountMinor)));
        Assert.All(lines, l => Assert.Equal(("p1", "OPS-01", "acc_ops", "alipay"), (l.Project, l.DepartmentCode, l.Account, l.Channel)));
    }

    [Theory]
    [InlineData(PaymentState.Failed)]
    [InlineData(PaymentState.Expired)]
    [InlineData(PaymentState.Processing)]
    public void Of_NotSucceeded_IsNotBilled(PaymentState state) =>
        Assert.Empty(BillLine.Of(ReportData.Payment(Created, state)));

    [Fact]
    public void Of_Converted_ShowsTheOriginalAndTheSettledAmountAndRate_AndTheRefundsShare()
    {
        var payment = ReportData.Payment(Created, PaymentState.Succeeded, channel: "card", amount: 100_000);
        Convert(payment, 13_850, "USD", 0.1385m);
        payment.Refunds.Add(Refund(payment, 1, 40_000, RefundState.Succeeded));

        var lines = BillLine.Of(payment).ToList();

        Assert.Equal(new BillLineConversion(13_850, "USD", 0.1385m, "fxq_1"), lines[0].Conversion);
        Assert.Equal((100_000L, "CNY"), (lines[0].AmountMinor, lines[0].Currency));
        Assert.Equal(new BillLineConversion(-5_540, "USD", 0.1385m, "fxq_1"), lines[1].Conversion);
    }

    [Fact]
    public void Totals_ArePerCurrency_AndSubtotalsByProjectDepartmentChannel()
    {
        var totals = new BillTotals();
        var a = ReportData.Payment(Created, PaymentState.Succeeded, amount: 10_000);
        a.Refunds.Add(Refund(a, 1, 2_500, RefundState.Succeeded));
        var b = ReportData.Payment(Created, PaymentState.Succeeded, channel: "wechatpay", amount: 7_000, department: "RND-02");
        var c = ReportData.Payment(Created, PaymentState.Succeeded, amount: 900, currency: "JPY");
        foreach (var line in new[] { a, b, c }.SelectMany(BillLine.Of))
        {
            totals.Add(line);
        }

        var cny = totals.Totals["CNY"];
        Assert.Equal((17_000L, 2_500L, 14_500L, 2, 1), (cny.PaidMinor, cny.RefundedMinor, cny.NetMinor, cny.PaymentCount, cny.RefundCount));
        Assert.Equal(900, totals.Totals["JPY"].NetMinor);
        Assert.Equal(
            [new BillSubtotalKey("p1", "OPS-01", "alipay", "CNY"), new BillSubtotalKey("p1", "OPS-01", "alipay", "JPY"), new BillSubtotalKey("p1", "RND-02", "wechatpay", "CNY")],
            totals.Subtotals.Keys);
        Assert.Equal(7_500, totals.Subtotals[new BillSubtotalKey("p1", "OPS-01", "alipay", "CNY")].NetMinor);
    }

    [Fact]
    public async Task Csv_FormatsMinorUnitsWithTheCurrencysExponent_RefundsNegative_FxColumns_TotalsLast()
    {
        var a = ReportData.Payment(Created, PaymentState.Succeeded, amount: 123_456);
        a.Refunds.Add(Refund(a, 1, 100_001, RefundState.Succeeded));
        var fx = ReportData.Payment(Created, PaymentState.Succeeded, channel: "card", amount: 100_000);
        Convert(fx, 13_850, "USD", 0.1385m);
        var yen = ReportData.Payment(Created, PaymentState.Succeeded, amount: 500, currency: "JPY");
        var writer = new StringWriter();

        await BillCsv.WriteAsync(writer, Lines(a, fx, yen), TimeSpan.FromHours(8), 2, CancellationToken.None);

        var rows = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BillCsv.Header, rows[0]);
        Assert.StartsWith($"payment,2026-11-03T10:15:00+08:00,{a.Id},,p1,OPS-01,acc_ops,alipay,1234.56,CNY,,,,,", rows[1]);
        Assert.StartsWith($"refund,2026-11-03T10:15:00+08:00,{a.Id},{a.Refunds[0].Id},p1,OPS-01,acc_ops,alipay,-1000.01,CNY,,,,,", rows[2]);
        Assert.Contains(",card,1000.00,CNY,138.50,USD,0.1385,fxq_1,", rows[3]);
        Assert.Contains(",alipay,500,JPY,", rows[4]);
        Assert.Contains(rows, r => r.StartsWith("total,,,,,,,,1234.55,CNY,,,,,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("total,,,,,,,,500,JPY,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("subtotal,,,,p1,OPS-01,,card,1000.00,CNY,", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_QuotesSeparators_AndDefusesFormulas()
    {
        var line = BillLine.Of(ReportData.Payment(Created, PaymentState.Succeeded)).Single() with { Description = "=HYPERLINK(\"x\"), 1", Project = "+p" };

        var row = BillCsv.Row(line, TimeSpan.Zero);

        Assert.Contains(",'+p,", row);
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\"), 1\",", row);
    }

    [Fact]
    public void PageToken_IsBoundToTheMerchantGroupAndPeriod()
    {
        var period = ReportPeriod.Month("2026-10", TimeSpan.FromHours(8));
        var cursor = new PageCursor(Created, "pay_01JABCDEFGHJKMNPQRSTVWXYZ0");
        var token = BillPageTokens.Encode(cursor, "mch_a", "grp_a", period);

        Assert.Equal(cursor, BillPageTokens.Decode(token, "mch_a", "grp_a", period));
        Assert.Null(BillPageTokens.Decode("", "mch_a", "grp_a", period));
        foreach (var (merchant, group, other) in new[] { ("mch_b", "grp_a", period), ("mch_a", "grp_b", period), ("mch_a", "grp_a", ReportPeriod.Month("2026-11", TimeSpan.FromHours(8))) })
        {
            Assert.Equal("page_token", Assert.Throws<PaymentException>(() => BillPageTokens.Decode(token, merchant, group, other)).Violations.Single().Field);
        }
    }

    private static async IAsyncEnumerable<BillLine> Lines(params Payment[] payments)
    {
        await Task.Yield();
        foreach (var line in payments.SelectMany(BillLine.Of))
        {
            yield return line;
        }
    }

    private static void Convert(Payment payment, long settled, string currency, decimal rate)
    {
        var a = payment.Attempts[0];
        payment.Attempts[0] = new Attempt
        {
            Id = a.Id,
            Number = 1,
            Channel = a.Channel,
            Reference = a.Reference,
            State = a.State,
            CreateTime = a.CreateTime,
            UpdateTime = a.UpdateTime,
            Conversion = new AttemptConversion("fxq_1", settled, currency, rate, a.CreateTime, a.CreateTime.AddMinutes(10)),
        };
    }

    private static Refund Refund(Payment payment, int number, long amount, RefundState state) => new()
    {
        Id = $"re_{payment.Id[4..]}{number}",
        Number = number,
        Channel = payment.Attempts[0].Channel,
        PaymentReference = payment.Attempts[0].Reference,
        Reference = PaymentIds.RefundReference(payment.Attempts[0].Reference, number),
        AmountMinor = amount,
        Reason = "returned",
        State = state,
        CreateTime = payment.CreateTime,
        UpdateTime = payment.CreateTime,
    };
}
