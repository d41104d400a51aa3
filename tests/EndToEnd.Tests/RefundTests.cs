using Grpc.Core;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Refunds through the real gateway on every channel's own refund protocol, checked against the networks' books.</summary>
public sealed class RefundTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private readonly HttpClient _browser = new();
    private GatewayUnderTest Gateway => fixture.Gateway;

    private async Task<Payment> PaidAsync(string channel, long amount)
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(amount, channel: channel));
        Assert.Null(fixture.Simulators.BuyerPays(channel, created.NextAction.QrCode));
        return await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    private Task<Refund> RefundAsync(string paymentId, long amount, string? requestId = null) =>
        Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = paymentId, AmountMinor = amount, Reason = "returned goods", RequestId = requestId ?? "" }).ResponseAsync;

    [Theory]
    [InlineData("alipay")]
    [InlineData("wechatpay")]
    public async Task PartialThenFullRefund_MovesExactlyThoseAmountsAtTheNetwork(string channel)
    {
        var paid = await PaidAsync(channel, 8800);
        var order = paid.Attempts[0].ChannelReference;

        var first = await RefundAsync(paid.Id, 3000);
        var rest = await RefundAsync(paid.Id, 0);

        Assert.Equal((Refund.Types.State.Succeeded, 3000L, channel), (first.State, first.AmountMinor, first.Channel));
        Assert.Equal((Refund.Types.State.Succeeded, 5800L), (rest.State, rest.AmountMinor));
        Assert.False(string.IsNullOrEmpty(first.ChannelRefundId));
        var ledger = channel == "alipay"
            ? fixture.Simulators.Alipay.Ledger.Where(e => e.OutTradeNo == order && e.Kind == "refund").Select(e => e.AmountFen)
            : fixture.Simulators.WeChatPay.Ledger.Where(e => e.OutTradeNo == order && e.Kind == "refund").Select(e => e.AmountFen);
        Assert.Equal([3000L, 5800L], ledger);

        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = paid.Id });
        Assert.Equal(8800, payment.AmountRefundedMinor);
        Assert.Equal([first.Id, rest.Id], payment.Refunds.Select(r => r.Id));
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal(rest, await Gateway.Payments.GetRefundAsync(new GetRefundRequest { Id = rest.Id }));
    }

    [Fact]
    public async Task UnionPayRefund_GoesAgainstThePaidTransaction()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6600, channel: "unionpay"));
        using (await _browser.PostAsync(created.NextAction.RedirectUrl, new FormUrlEncodedContent(created.NextAction.RedirectForm)))
        {
        }
        Assert.Null(fixture.Simulators.UnionPay.BuyerPays(created.Attempts[0].ChannelReference));
        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        var refund = await RefundAsync(paid.Id, 1600);

        Assert.Equal(Refund.Types.State.Succeeded, refund.State);
        Assert.Equal([1600L], fixture.Simulators.UnionPay.Ledger.Where(e => e.OrderId == refund.ChannelReference && e.Kind == "refund").Select(e => e.Amount));
    }

    [Fact]
    public async Task CardRefund_GivesBackToTheCard()
    {
        var paid = await Gateway.Payments.CreatePaymentAsync(new CreatePaymentRequest
        {
            AmountMinor = 15_000,
            Currency = "USD",
            Description = "Cloud server, 1 year",
            Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "US" },
            PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
        });
        Assert.Equal(Payment.Types.State.Succeeded, paid.State);

        var refund = await RefundAsync(paid.Id, 15_000);

        Assert.Equal((Refund.Types.State.Succeeded, "USD"), (refund.State, refund.Currency));
        Assert.Equal([15_000L], fixture.Simulators.Card.Ledger.Where(e => e.Reference == paid.Attempts[0].ChannelReference && e.Kind == "refund").Select(e => e.Amount));
    }

    [Fact]
    public async Task RefundResponseLost_IsSettledByQuery_AndTheNetworkRefundsOnce()
    {
        var paid = await PaidAsync("alipay", 7000);
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = ["alipay.trade.refund"] };

        var refund = await RefundAsync(paid.Id, 7000);

        Assert.Equal(Refund.Types.State.Succeeded, refund.State);
        Assert.Single(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo == paid.Attempts[0].ChannelReference && e.Kind == "refund");
    }

    [Fact]
    public async Task SameRequestId_RefundsOnce_AndMoreThanCapturedIsRefused()
    {
        var paid = await PaidAsync("alipay", 5000);
        var key = Guid.NewGuid().ToString();

        var first = await RefundAsync(paid.Id, 4000, key);
        var again = await RefundAsync(paid.Id, 4000, key);
        var (code, info, badRequest) = await RpcErrors.CatchAsync(() => RefundAsync(paid.Id, 1001));

        Assert.Equal(first.Id, again.Id);
        Assert.Single(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo == paid.Attempts[0].ChannelReference && e.Kind == "refund");
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6012"), (code, info.Reason));
        Assert.Equal("amount_minor", badRequest!.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Refund_OfAnUnpaidPayment_IsRefused_AndBadInputNamesTheField()
    {
        var waiting = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(3000));

        var (code, info, _) = await RpcErrors.CatchAsync(() => RefundAsync(waiting.Id, 100));
        var (badCode, _, bad) = await RpcErrors.CatchAsync(() => RefundAsync(waiting.Id, -5));
        var (missing, missingInfo, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.GetRefundAsync(new GetRefundRequest { Id = "re_01KMZZZZZZZZZZZZZZZZZZZZZZ" }).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "PM-6004"), (code, info.Reason));
        Assert.Equal((StatusCode.InvalidArgument, "amount_minor"), (badCode, bad!.FieldViolations.Single().Field));
        Assert.Equal((StatusCode.NotFound, "PM-6013"), (missing, missingInfo.Reason));
    }

    public void Dispose()
    {
        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        _browser.Dispose();
    }
}
