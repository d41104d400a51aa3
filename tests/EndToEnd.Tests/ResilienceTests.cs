using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Faults injected into the simulated network: the gateway must neither lose nor duplicate the order.</summary>
public sealed class ResilienceTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task Precreate_ProcessedButResponseLost_GatewayQueriesAndRecoversTheSameOrder()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = ["alipay.trade.precreate"] };

        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(5100));

        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        Assert.Single(fixture.Simulators.Alipay.Orders, o => o.OutTradeNo == created.Attempts[0].ChannelReference);
        Assert.Single(created.Attempts);
    }

    [Fact]
    public async Task Precreate_SystemErrorOnce_GatewayResolvesAndCreatesOneOrder()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "40004/ACQ.SYSTEM_ERROR", Limit = 1, Methods = ["alipay.trade.precreate"] };

        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(5200));

        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        Assert.Single(fixture.Simulators.Alipay.Orders, o => o.OutTradeNo == created.Attempts[0].ChannelReference);
    }

    [Fact]
    public async Task Network_SilentOnCreateAndQuery_OrderClosedAndConfirmedThenFailsOver()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { LoseResponseRate = 1, Methods = ["alipay.trade.precreate", "alipay.trade.query"] };

        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(5300));

        // Alipay cannot say; the gateway closed the order but could not confirm it closed: it waits.
        Assert.Equal(Payment.Types.State.Processing, created.State);
        Assert.Equal(Attempt.Types.State.Unknown, created.Attempts.Single().State);
        var order = fixture.Simulators.Alipay.Orders.Single(o => o.OutTradeNo == created.Attempts[0].ChannelReference);
        Assert.Equal("TRADE_CLOSED", order.TradeStatus);

        // Queries work again: closed is confirmed, and the payment moves to the next channel.
        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        var moved = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.RequiresAction);
        Assert.Equal((Attempt.Types.State.Closed, "wechatpay"), (moved.Attempts[0].State, moved.Attempts[1].Channel));
        Assert.DoesNotContain(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo == order.OutTradeNo);
    }

    public void Dispose()
    {
        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        fixture.Simulators.Alipay.Notifier.Pause = false;
    }
}
