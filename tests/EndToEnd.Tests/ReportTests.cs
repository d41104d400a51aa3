using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Paygate.Gateway.Payments;
using Paygate.V1;
using Attempt = Paygate.Gateway.Payments.Attempt;
using GatewayPayment = Paygate.Gateway.Payments.Payment;
using PaymentError = Paygate.Gateway.Payments.PaymentError;
using Refund = Paygate.Gateway.Payments.Refund;
using RoutingDecision = Paygate.Gateway.Routing.RoutingDecision;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// The ReportService and the bill's CSV download over the real gateway: a group's bill (totals, subtotals, pages, refunds as
/// negative lines, a converted payment), thousands of rows streamed as CSV, the health report of real payments and of a group's,
/// and every bad input refused with its field. The groups are real (made through GroupService); their payments are written to the
/// gateway's store with Payment.Group set, for what the API cannot make at will (past months, thousands of rows, FX, failures).
/// <see cref="GroupBillTests"/> makes a group's payments through the API itself.
/// </summary>
public sealed class ReportTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private GatewayUnderTest Gateway => fixture.Gateway;
    private ReportService.ReportServiceClient Reports => new(Gateway.Merchant);

    [Fact]
    public async Task GetConsolidatedBill_TotalsSubtotalsAndPagedLines_WithRefundsNegative_AndTheConversionShown()
    {
        var group = await NewGroupAsync();
        var at = new DateTimeOffset(2026, 10, 5, 10, 0, 0, Beijing);
        var seeded = new List<GatewayPayment>();
        for (var i = 0; i < 23; i++)
        {
            seeded.Add(Seed(group, at.AddMinutes(i), amount: 1_000 + i, department: i % 2 == 0 ? "OPS-01" : "RND-02", channel: i % 3 == 0 ? "wechatpay" : "alipay"));
        }
        var refunded = seeded[4];
        AddRefund(refunded, 300);
        var fx = Seed(group, at.AddHours(2), amount: 100_000, channel: "card", converted: (13_850, "USD", 0.1385m));
        seeded.Add(fx);
        var failed = Seed(group, at.AddHours(3), state: PaymentState.Failed);
        var outside = Seed(group, new DateTimeOffset(2026, 11, 1, 0, 0, 0, Beijing)); // the next month
        await InsertAsync([.. seeded, failed, outside]);

        var lines = new List<BillLine>();
        var token = "";
        ConsolidatedBill page;
        var pages = 0;
        do
        {
            page = await Reports.GetConsolidatedBillAsync(new GetConsolidatedBillRequest { GroupId = group, Month = "2026-10", PageSize = 10, PageToken = token });
            lines.AddRange(page.Lines);
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(seeded.Count + 1, lines.Count);
        Assert.DoesNotContain(lines, l => l.PaymentId == failed.Id || l.PaymentId == outside.Id);
        var refund = Assert.Single(lines, l => l.Kind == BillLine.Types.Kind.Refund);
        Assert.Equal((refunded.Id, -300L, "CNY"), (refund.PaymentId, refund.AmountMinor, refund.Currency));
        var converted = Assert.Single(lines, l => l.Conversion is not null);
        Assert.Equal((fx.Id, 100_000L, "CNY", 13_850L, "USD", "0.1385"),
            (converted.PaymentId, converted.AmountMinor, converted.Currency, converted.Conversion.SettlementAmountMinor, converted.Conversion.SettlementCurrency, converted.Conversion.Rate));

        var total = Assert.Single(page.Totals);
        var paid = seeded.Sum(p => p.AmountMinor);
        Assert.Equal(("CNY", paid, 300L, paid - 300, seeded.Count, 1, 1),
            (total.Currency, total.PaidMinor, total.RefundedMinor, total.NetMinor, total.PaymentCount, total.RefundCount, total.ConvertedCount));
        Assert.Equal(seeded.Where(p => p.Group!.DepartmentCode == "RND-02" && p.Attempts[0].Channel == "alipay").Sum(p => p.AmountMinor),
            page.Subtotals.Single(s => s.DepartmentCode == "RND-02" && s.Channel == "alipay").PaidMinor);
        Assert.Equal(paid - 300, page.Subtotals.Sum(s => s.NetMinor));
    }

    [Fact]
    public async Task BillCsv_ThousandsOfRows_AreStreamed_WithRefundsFxAndTotalsThatAddUp()
    {
        var group = await NewGroupAsync();
        var at = new DateTimeOffset(2026, 9, 1, 0, 0, 0, Beijing);
        var seeded = Enumerable.Range(0, 3000).Select(i => Seed(group, at.AddSeconds(i * 60), amount: 100 + i)).ToList();
        foreach (var p in seeded.Where((_, i) => i % 100 == 0))
        {
            AddRefund(p, 50);
        }
        seeded.Add(Seed(group, at.AddDays(3), amount: 20_000, channel: "card", converted: (2_770, "USD", 0.1385m)));
        await InsertAsync(seeded);

        using var http = new HttpClient { BaseAddress = new Uri(Gateway.HttpBaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/groups/{group}/bill.csv?from=2026-09-01&to=2026-09-30");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Gateway.Credentials.MerchantKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Content.Headers.ContentLength); // chunked: written as it is read
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("kind,time,payment_id,refund_id", await reader.ReadLineAsync());
        int payments = 0, refunds = 0;
        long net = 0;
        string? totalRow = null, fxRow = null;
        while (await reader.ReadLineAsync() is { } row)
        {
            var fields = row.Split(',');
            switch (fields[0])
            {
                case "payment":
                    payments++;
                    net += ParseCny(fields[8]);
                    fxRow = fields[11] == "USD" ? row : fxRow;
                    break;
                case "refund":
                    refunds++;
                    net += ParseCny(fields[8]);
                    break;
                case "total":
                    totalRow = row;
                    break;
            }
        }
        Assert.Equal((3001, 30), (payments, refunds));
        var expected = seeded.Sum(p => p.AmountMinor) - 30 * 50;
        Assert.Equal(expected, net);
        Assert.StartsWith($"total,,,,,,,,{expected / 100}.{expected % 100:00},CNY,", totalRow);
        Assert.Contains(",card,200.00,CNY,27.70,USD,0.1385,", fxRow);
    }

    [Fact]
    public async Task BillCsv_WithoutAKey_OrForAnUnknownGroup_OrAReversedPeriod_IsRefusedAsTheRestApiRefuses()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Gateway.HttpBaseUrl) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/groups/grp_x/bill.csv?month=2026-10")).StatusCode);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Gateway.Credentials.MerchantKey);
        var unknown = await http.GetAsync("/v1/groups/grp_unknown/bill.csv?month=2026-10");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("PM-6071", await unknown.Content.ReadAsStringAsync());

        var group = await NewGroupAsync();
        await InsertAsync([Seed(group, new DateTimeOffset(2026, 10, 1, 9, 0, 0, Beijing))]);
        var reversed = await http.GetAsync($"/v1/groups/{group}/bill.csv?from=2026-10-31&to=2026-10-01");
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        var body = await reversed.Content.ReadAsStringAsync();
        Assert.Contains("PM-6072", body);
        Assert.Contains("to_date", body);
    }

    [Fact]
    public async Task GetConsolidatedBill_BadInput_IsRefusedWithTheField_AndAnotherMerchantsGroupIsNotFound()
    {
        var group = await NewGroupAsync();
        await InsertAsync([Seed(group, new DateTimeOffset(2026, 10, 1, 9, 0, 0, Beijing))]);

        await AssertRefusedAsync(new() { GroupId = "grp_nobody", Month = "2026-10" }, StatusCode.NotFound, "PM-6071", "group_id");
        await AssertRefusedAsync(new() { GroupId = "not-a-group", Month = "2026-10" }, StatusCode.InvalidArgument, "PM-6001", "group_id");
        await AssertRefusedAsync(new() { GroupId = group, Month = "2026-13" }, StatusCode.InvalidArgument, "PM-6072", "month");
        await AssertRefusedAsync(new() { GroupId = group, FromDate = "2026-10-31", ToDate = "2026-10-01" }, StatusCode.InvalidArgument, "PM-6072", "to_date");
        await AssertRefusedAsync(new() { GroupId = group, FromDate = "2025-01-01", ToDate = "2026-10-01" }, StatusCode.InvalidArgument, "PM-6072", "to_date");
        await AssertRefusedAsync(new() { GroupId = group, Month = "2026-10", PageToken = "junk" }, StatusCode.InvalidArgument, "PM-6001", "page_token");

        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "Other " + Guid.NewGuid().ToString("N")[..6] });
        var key = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "reports test" });
        var theirs = new ReportService.ReportServiceClient(ApiCredentials.WithKey(Gateway.Channel, key.Secret));
        var (code, info, bad) = await RpcErrors.CatchAsync(() => theirs.GetConsolidatedBillAsync(new GetConsolidatedBillRequest { GroupId = group, Month = "2026-10" }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6071", "group_id"), (code, info.Reason, bad!.FieldViolations.Single().Field));
        (code, info, _) = await RpcErrors.CatchAsync(() => theirs.GetHealthReportAsync(new GetHealthReportRequest { GroupId = group, Month = "2026-10" }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6071"), (code, info.Reason));
        (code, info, _) = await RpcErrors.CatchAsync(() => new ReportService.ReportServiceClient(Gateway.Operator)
            .GetHealthReportAsync(new GetHealthReportRequest { Month = "2026-10" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, code);
    }

    [Fact]
    public async Task GetHealthReport_OfRealPayments_CountsThemByChannelRegionAndHour()
    {
        var succeeded = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest());
        var declined = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest("4000000000000002"));
        Assert.Equal((V1.Payment.Types.State.Succeeded, V1.Payment.Types.State.Failed), (succeeded.State, declined.State));
        var created = declined.CreateTime.ToDateTimeOffset().ToOffset(Beijing);

        var report = await Reports.GetHealthReportAsync(new GetHealthReportRequest { Month = created.ToString("yyyy-MM", CultureInfo.InvariantCulture) });

        Assert.Equal("+08:00", report.UtcOffset);
        Assert.Equal(24, report.ByHour.Count);
        var card = report.ByChannel.Single(c => c.Key == "card");
        Assert.True(card.Succeeded >= 1 && card.Unsuccessful >= 1, card.ToString());
        Assert.True(report.ByHour[created.Hour].Total >= 1);
        Assert.Contains(report.Abnormal, a => a.ErrorCode == declined.Error.Code && a.Failed >= 1);
        Assert.True(report.ProcessingTimes.WorkingDayCount + report.ProcessingTimes.HolidayCount >= 1);
        Assert.Equal("holidays-cn.txt", report.HolidayCalendar);
        Assert.Contains(report.Recommendations, r => r.Kind == Recommendation.Types.Kind.Capacity);
    }

    [Fact]
    public async Task GetHealthReport_OfAGroup_SuggestsTheBetterChannelWhereOneFell_AndForecastsFromTheTrend()
    {
        var group = await NewGroupAsync();
        var seeded = new List<GatewayPayment>();
        // August 10, September 20, October 30 payments: a linear trend forecasts 40 for November.
        seeded.AddRange(Enumerable.Range(0, 10).Select(i => Seed(group, new DateTimeOffset(2026, 8, 3, 10, i, 0, Beijing))));
        // September: alipay in CN succeeds 10 of 10; wechatpay 10 of 10.
        seeded.AddRange(Enumerable.Range(0, 20).Select(i => Seed(group, new DateTimeOffset(2026, 9, 7, 10, i, 0, Beijing), channel: i % 2 == 0 ? "alipay" : "wechatpay")));
        // October: alipay in CN 5 of 15 (one a holiday, 1 October), wechatpay 15 of 15.
        seeded.AddRange(Enumerable.Range(0, 15).Select(i => Seed(group, new DateTimeOffset(2026, 10, i == 0 ? 1 : 12, 10, i, 0, Beijing), channel: "alipay",
            state: i < 5 ? PaymentState.Succeeded : PaymentState.Failed)));
        seeded.AddRange(Enumerable.Range(0, 15).Select(i => Seed(group, new DateTimeOffset(2026, 10, 12, 11, i, 0, Beijing), channel: "wechatpay")));
        await InsertAsync(seeded);

        var report = await Reports.GetHealthReportAsync(new GetHealthReportRequest { GroupId = group, Month = "2026-10" });

        Assert.Equal((30, 20, 10), (report.Overall.Total, report.Overall.Succeeded, report.Overall.Unsuccessful));
        Assert.Equal(["wechatpay", "alipay"], report.ByChannel.Select(c => c.Key));
        var switched = Assert.Single(report.Recommendations, r => r.Kind == Recommendation.Types.Kind.SwitchChannel);
        Assert.Equal(("CN", "alipay", "wechatpay"), (switched.Region, switched.Channel, switched.SuggestedChannel));
        Assert.Equal((1.0, 5.0 / 15, 1.0), (switched.PreviousRate, switched.CurrentRate, switched.SuggestedRate));
        Assert.Equal(("2026-11", 40L), (report.Forecast.Month, report.Forecast.PaymentCount));
        Assert.Equal([10L, 20L, 30L], report.Forecast.History.Select(h => h.PaymentCount).SkipWhile(c => c == 0));
        Assert.Equal((19, 1), (report.ProcessingTimes.WorkingDayCount, report.ProcessingTimes.HolidayCount));
    }

    private async Task AssertRefusedAsync(GetConsolidatedBillRequest request, StatusCode status, string reason, string field)
    {
        var (code, info, bad) = await RpcErrors.CatchAsync(() => Reports.GetConsolidatedBillAsync(request).ResponseAsync);
        Assert.Equal((status, reason), (code, info.Reason));
        Assert.Equal(field, Assert.Single(bad!.FieldViolations).Field);
    }

    /// <summary>A real group of the merchant's (the bills find only those), made through GroupService.</summary>
    private async Task<string> NewGroupAsync() =>
        (await new GroupService.GroupServiceClient(Gateway.Merchant).CreateGroupAsync(new CreateGroupRequest { DisplayName = "ACME " + Guid.NewGuid().ToString("N")[..6] })).Id;

    private static long ParseCny(string amount) => long.Parse(amount.Replace(".", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private GatewayPayment Seed(string group, DateTimeOffset created, long amount = 10_000, string channel = "alipay", string department = "OPS-01",
        PaymentState state = PaymentState.Succeeded, (long Amount, string Currency, decimal Rate)? converted = null)
    {
        var clock = new FixedClock(created);
        var id = PaymentIds.NewPaymentId(clock);
        return new GatewayPayment
        {
            Id = id,
            MerchantId = Gateway.MerchantId,
            State = state,
            AmountMinor = amount,
            Currency = "CNY",
            Description = "Cloud server, 1 month",
            Customer = new CustomerInfo("enterprise", "CN", "enterprise", Account: "acc_" + department, Project: "migration"),
            Routing = new RoutingDecision([channel], "seeded"),
            CreateTime = created,
            UpdateTime = created.AddSeconds(20),
            ExpireTime = created.AddHours(24),
            Group = new GroupBooking(group, "acc_" + department, department),
            Error = state == PaymentState.Failed ? new PaymentError("PM-1001", "Insufficient balance.", channel, "NOT_ENOUGH") : null,
            Attempts =
            [
                new Attempt
                {
                    Id = PaymentIds.NewAttemptId(clock), Number = 1, Channel = channel, Reference = PaymentIds.AttemptReference(id, 1),
                    State = state == PaymentState.Succeeded ? AttemptState.Succeeded : AttemptState.Declined, CreateTime = created, UpdateTime = created.AddSeconds(20),
                    Conversion = converted is { } c ? new AttemptConversion("fxq_seeded", c.Amount, c.Currency, c.Rate, created, created.AddMinutes(10)) : null,
                },
            ],
        };
    }

    private static void AddRefund(GatewayPayment payment, long amount)
    {
        var attempt = payment.Attempts[0];
        payment.Refunds.Add(new Refund
        {
            Id = PaymentIds.NewRefundId(new FixedClock(payment.CreateTime.AddHours(1))),
            Number = payment.Refunds.Count + 1,
            Channel = attempt.Channel,
            PaymentReference = attempt.Reference,
            Reference = PaymentIds.RefundReference(attempt.Reference, payment.Refunds.Count + 1),
            AmountMinor = amount,
            Reason = "returned",
            State = RefundState.Succeeded,
            CreateTime = payment.CreateTime.AddHours(1),
            UpdateTime = payment.CreateTime.AddHours(1),
        });
    }

    private async Task InsertAsync(IReadOnlyList<GatewayPayment> payments)
    {
        foreach (var chunk in payments.Chunk(200))
        {
            await Task.WhenAll(chunk.Select(p => Gateway.Store.InsertAsync(p, PaymentEventTypes.Created, null, CancellationToken.None)));
        }
    }
}

/// <summary>A clock stopped at one instant, for ids made at a seeded payment's time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
