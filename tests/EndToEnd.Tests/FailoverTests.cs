using Grpc.Core;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose Alipay circuit opens after a few failures, as in production (only smaller).</summary>
public sealed class CircuitFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Resilience:Channels:alipay:MinimumThroughput"] = "3",
        ["Resilience:Channels:alipay:FailureRatio"] = "0.5",
        ["Resilience:Channels:alipay:SamplingDuration"] = "00:01:00",
        ["Resilience:Channels:alipay:BreakDuration"] = "00:05:00",
    };
}

/// <summary>
/// The failover rule end to end, with faults injected into the simulated networks: never lose a payment, never
/// charge twice. Payments route by the checkout rule: Alipay, then WeChat Pay.
/// </summary>
public sealed class FailoverTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    /// <summary>Every charge of this payment's orders across every simulated network.</summary>
    private int ChargesAcrossNetworks(Payment payment) => payment.Attempts.Sum(a =>
        fixture.Simulators.Alipay.Ledger.Count(e => e.OutTradeNo == a.ChannelReference && e.Kind == "charge")
        + fixture.Simulators.WeChatPay.Ledger.Count(e => e.OutTradeNo == a.ChannelReference && e.Kind == "charge"));

    [Fact]
    public async Task Routing_CheckoutRule_AlipayThenWeChatPay_AndPreviewExplainsIt()
    {
        var channels = new ChannelService.ChannelServiceClient(Gateway.Operator);
        var preview = await channels.RecommendChannelsAsync(new RecommendChannelsRequest { AmountMinor = 1000, Currency = "CNY", Customer = new Customer { Device = "mobile" } });

        Assert.Equal(["alipay", "wechatpay", "unionpay"], preview.Candidates);
        Assert.Equal("rule 'checkout' matched", preview.Reason);
        Assert.Contains(preview.Considered, c => c is { Channel: "card", Eligible: false });

        var enterprise = await channels.RecommendChannelsAsync(new RecommendChannelsRequest
        {
            AmountMinor = 1000,
            Currency = "CNY",
            Customer = new Customer { Type = Customer.Types.Type.Enterprise, Device = "enterprise" },
        });
        Assert.Equal(["alipay", "unionpay"], enterprise.Candidates.Take(2));
    }

    [Fact]
    public async Task Decline_NoFailover_ThenThePayerPaysAgainWithAnotherMethod()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH", Limit = 1, Methods = ["alipay.trade.precreate"] };

        var declined = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(8100));

        Assert.Equal((Payment.Types.State.Failed, "PM-1001"), (declined.State, declined.Error.Code));
        Assert.Single(declined.Attempts); // another channel would not change the payer's balance

        var retried = await Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest
        {
            Id = declined.Id,
            RequestId = Guid.NewGuid().ToString(),
            PaymentMethod = new PaymentMethod { Channel = "wechatpay" },
        });
        Assert.Equal(Payment.Types.State.RequiresAction, retried.State);
        Assert.Equal(("wechatpay", 2), (retried.Attempts[1].Channel, retried.Attempts[1].Number));
        Assert.Null(fixture.Simulators.WeChatPay.BuyerPays(retried.NextAction.QrCode));
        var paid = await Gateway.WaitForAsync(declined.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal(1, ChargesAcrossNetworks(paid));

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest { Id = declined.Id }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6004"), (code, info.Reason));
    }

    [Fact]
    public async Task RateLimited_RetriedOnTheSameChannelWithTheSameOrderNumber()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "40005/isv.app-call-limited", Limit = 1, Methods = ["alipay.trade.precreate"] };

        var payment = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(8200));

        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
        Assert.Equal("alipay", Assert.Single(payment.Attempts).Channel);
        Assert.Single(fixture.Simulators.Alipay.Orders, o => o.OutTradeNo == payment.Attempts[0].ChannelReference);
    }

    [Fact]
    public async Task UnknownAndOrderNeverExisted_ClosedAndConfirmedAbsent_ThenFailsOverWithOneCharge()
    {
        // Alipay answers every create with "service unavailable, outcome unknown" without creating anything.
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "20000/isp.unknow-error", Methods = ["alipay.trade.precreate"] };

        var payment = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(8300));

        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
        Assert.Equal([("alipay", Attempt.Types.State.Closed), ("wechatpay", Attempt.Types.State.RequiresAction)],
            payment.Attempts.Select(a => (a.Channel, a.State)));
        Assert.Equal(0, fixture.Simulators.Alipay.Orders.Count(o => o.OutTradeNo == payment.Attempts[0].ChannelReference));
        Assert.Null(fixture.Simulators.WeChatPay.BuyerPays(payment.NextAction.QrCode));
        var paid = await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal(1, ChargesAcrossNetworks(paid));
    }

    [Fact]
    public async Task CallerDeadline_BoundsEveryChannelCall_ThePaymentWaitsForTheWorker()
    {
        // Alipay hangs for 3 s without processing; the merchant gives the call 2 s (room enough, on a loaded machine, for
        // the gateway to have written the payment before the deadline: a call that arrives too late is refused unwritten).
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { TimeoutRate = 1, TimeoutMs = 3000, Methods = ["alipay.trade.precreate", "alipay.trade.query", "alipay.trade.close"] };
        var request = GatewayUnderTest.Checkout(8450);
        request.RequestId = Guid.NewGuid().ToString();

        try
        {
            await Gateway.Payments.CreatePaymentAsync(request, deadline: DateTime.UtcNow.AddSeconds(2));
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            // Either the client gave up at its deadline or the gateway answered just before it: both are fine.
        }

        // Shortly after the deadline the gateway has stopped calling: the attempt is settled as unknown, not still in flight.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var id = (await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 20 })).Payments.Single(p => p.AmountMinor == 8450).Id;
        var waiting = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = id });
        Assert.Equal((Payment.Types.State.Processing, Attempt.Types.State.Unknown), (waiting.State, waiting.Attempts.Single().State));

        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        var settled = await Gateway.WaitForAsync(id, p => p.State == Payment.Types.State.RequiresAction);
        // Never created at Alipay: either the same order number was sent again, or it was confirmed absent and the
        // payment moved on; either way exactly one live order exists for it.
        var orders = settled.Attempts.Sum(a => fixture.Simulators.Alipay.Orders.Count(o => o.OutTradeNo == a.ChannelReference)
            + fixture.Simulators.WeChatPay.Orders.Count(o => o.OutTradeNo == a.ChannelReference));
        Assert.Equal(1, orders);
        var again = await Gateway.Payments.CreatePaymentAsync(request);
        Assert.Equal(id, again.Id);
    }

    [Fact]
    public async Task ResponseLostButProcessed_QueriedNotFailedOver_OneOrder()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = ["alipay.trade.precreate"] };

        var payment = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(8400));

        Assert.Equal("alipay", Assert.Single(payment.Attempts).Channel);
        Assert.Null(fixture.Simulators.Alipay.BuyerPays(payment.NextAction.QrCode));
        var paid = await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal(1, ChargesAcrossNetworks(paid));
    }

    public void Dispose()
    {
        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        fixture.Simulators.WeChatPayFaults.Plan = FaultPlan.None;
    }
}

/// <summary>Channel down: failover to the backup, then the circuit opens and routing skips the channel.</summary>
public sealed class CircuitBreakerTests(CircuitFixture fixture) : IClassFixture<CircuitFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task ChannelDown_PaymentsSucceedOnTheBackup_AndNoAttemptsOnceTheCircuitIsOpen()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { OutageUntil = DateTimeOffset.UtcNow.AddMinutes(10) };

        var payments = new List<Payment>();
        for (var i = 0; i < 6; i++)
        {
            payments.Add(await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(8500 + i)));
        }

        Assert.All(payments, p => Assert.Equal((Payment.Types.State.RequiresAction, "wechatpay"), (p.State, p.Attempts[^1].Channel)));
        Assert.Equal("alipay", payments[0].Attempts[0].Channel); // tried, refused with 503, failed over
        var last = payments[^1];
        Assert.Equal("wechatpay", Assert.Single(last.Attempts).Channel); // circuit open: Alipay not even tried
        Assert.Contains(last.Routing.Considered, c => c is { Channel: "alipay", Eligible: false } && c.Reason.Contains("circuit open", StringComparison.Ordinal));
        var channels = await new ChannelService.ChannelServiceClient(Gateway.Operator).ListChannelsAsync(new ListChannelsRequest());
        Assert.Equal("OPEN", channels.Channels.Single(c => c.Id == "alipay").CircuitState);
        Assert.All(payments, p => Assert.Equal(0, fixture.Simulators.Alipay.Orders.Count(o => p.Attempts.Any(a => a.ChannelReference == o.OutTradeNo))));
    }

    public void Dispose() => fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
}
