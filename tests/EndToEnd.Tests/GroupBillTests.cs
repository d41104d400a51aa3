using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// The bill of a real group, end to end: a group and two sub-accounts made through <c>GroupService</c>, booked card payments
/// (<c>customer.account</c>, <c>customer.project</c>) made and paid through <c>PaymentService</c>, one refunded in part, then the
/// group's consolidated bill as an RPC and as CSV, by project and department; another merchant cannot read it.
/// </summary>
public sealed class GroupBillTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task BillOfARealGroup_TotalsAndLinesByProjectAndDepartment_AsRpcAndCsv_AndOnlyForItsMerchant()
    {
        var groups = new GroupService.GroupServiceClient(Gateway.Merchant);
        var group = await groups.CreateGroupAsync(new CreateGroupRequest { DisplayName = "ACME Holdings" });
        var ops = await groups.CreateSubAccountAsync(new CreateSubAccountRequest { GroupId = group.Id, DepartmentCode = "OPS", BudgetCurrency = "USD", BudgetMinor = 100_000 });
        var rnd = await groups.CreateSubAccountAsync(new CreateSubAccountRequest { GroupId = group.Id, DepartmentCode = "RND", BudgetCurrency = "USD" });
        var migration = await PayAsync(ops.Id, "migration", 12_000);
        var lab = await PayAsync(rnd.Id, "lab", 15_000);
        var declined = GatewayUnderTest.CardRequest("4000000000000002", amount: 20_000);
        declined.Customer.Account = ops.Id;
        Assert.Equal(Payment.Types.State.Failed, (await Gateway.Payments.CreatePaymentAsync(declined)).State);
        var refund = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = migration.Id, AmountMinor = 2_000, Reason = "returned", RequestId = Guid.NewGuid().ToString() });
        Assert.Equal(Refund.Types.State.Succeeded, refund.State);
        var month = migration.CreateTime.ToDateTimeOffset().ToOffset(Beijing).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var reports = new ReportService.ReportServiceClient(Gateway.Merchant);
        var bill = await reports.GetConsolidatedBillAsync(new GetConsolidatedBillRequest { GroupId = group.Id, Month = month });

        Assert.Equal(group.Id, bill.GroupId);
        Assert.Equal(
            [(BillLine.Types.Kind.Payment, migration.Id, "migration", "OPS", ops.Id, 12_000L), (BillLine.Types.Kind.Refund, migration.Id, "migration", "OPS", ops.Id, -2_000L),
                (BillLine.Types.Kind.Payment, lab.Id, "lab", "RND", rnd.Id, 15_000L)],
            bill.Lines.Select(l => (l.Kind, l.PaymentId, l.Project, l.DepartmentCode, l.Account, l.AmountMinor)));
        Assert.Equal(refund.Id, bill.Lines[1].RefundId);
        Assert.All(bill.Lines, l => Assert.Equal(("card", "USD"), (l.Channel, l.Currency)));
        var total = Assert.Single(bill.Totals);
        Assert.Equal(("USD", 27_000L, 2_000L, 25_000L, 2, 1), (total.Currency, total.PaidMinor, total.RefundedMinor, total.NetMinor, total.PaymentCount, total.RefundCount));
        Assert.Equal([("lab", "RND", 15_000L, 0L, 15_000L), ("migration", "OPS", 12_000L, 2_000L, 10_000L)],
            bill.Subtotals.Select(s => (s.Project, s.DepartmentCode, s.PaidMinor, s.RefundedMinor, s.NetMinor)));

        using var http = new HttpClient { BaseAddress = new Uri(Gateway.HttpBaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Gateway.Credentials.MerchantKey);
        var csv = (await http.GetStringAsync($"/v1/groups/{group.Id}/bill.csv?month={month}")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var rows = csv.Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(
            [("payment", migration.Id, "migration", "OPS", "120.00"), ("refund", migration.Id, "migration", "OPS", "-20.00"), ("payment", lab.Id, "lab", "RND", "150.00"),
                ("subtotal", "", "lab", "RND", "150.00"), ("subtotal", "", "migration", "OPS", "100.00"), ("total", "", "", "", "250.00")],
            rows.Select(r => (r[0], r[2], r[4], r[5], r[8])));
        Assert.All(rows, r => Assert.Equal("USD", r[9]));

        // Another merchant's key: the group is not found, as an id that does not exist.
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "Other " + Guid.NewGuid().ToString("N")[..6] });
        var key = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "group bill test" });
        var theirs = new ReportService.ReportServiceClient(ApiCredentials.WithKey(Gateway.Channel, key.Secret));
        var (code, info, _) = await RpcErrors.CatchAsync(() => theirs.GetConsolidatedBillAsync(new GetConsolidatedBillRequest { GroupId = group.Id, Month = month }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6041"), (code, info.Reason));
        using var theirHttp = new HttpClient { BaseAddress = new Uri(Gateway.HttpBaseUrl) };
        theirHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        Assert.Equal(HttpStatusCode.NotFound, (await theirHttp.GetAsync($"/v1/groups/{group.Id}/bill.csv?month={month}")).StatusCode);
    }

    /// <summary>A card payment booked to <paramref name="accountId"/> for <paramref name="project"/>, paid.</summary>
    private async Task<Payment> PayAsync(string accountId, string project, long amount)
    {
        var request = GatewayUnderTest.CardRequest(amount: amount);
        request.Customer.Account = accountId;
        request.Customer.Project = project;
        var payment = await Gateway.Payments.CreatePaymentAsync(request);
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        return payment;
    }
}
