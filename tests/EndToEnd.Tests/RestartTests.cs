using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task Payment_CreatedBeforeARestart_IsThereUnchangedAndStillCompletes()
    {
        var data = Directory.CreateTempSubdirectory("paygate-restart-").FullName;
        await using var simulators = await SimulatorHost.StartAsync();
        var channels = SandboxSettings.For(simulators);
        try
        {
            Payment before;
            (int, int) ports;
            await using (var first = await GatewayUnderTest.StartAsync(channels, data))
            {
                before = await first.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(7777, Guid.NewGuid().ToString()));
                ports = first.Ports;
            }

            await using var second = await GatewayUnderTest.StartAsync(channels, data, ports: ports);
            var after = await second.Payments.GetPaymentAsync(new GetPaymentRequest { Id = before.Id });
            Assert.Equal(before, after);

            // The restarted gateway takes the notification for the order created before the restart.
            simulators.Alipay.BuyerPays(before.NextAction.QrCode);
            await second.WaitForAsync(before.Id, p => p.State == Payment.Types.State.Succeeded);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownAttempt_LeftByAStoppedGateway_IsSettledByTheNextOnesWorker()
    {
        var data = Directory.CreateTempSubdirectory("paygate-restart-").FullName;
        await using var simulators = await SimulatorHost.StartAsync();
        var channels = SandboxSettings.For(simulators);
        try
        {
            Payment before;
            (int, int) ports;
            simulators.AlipayFaults.Plan = new Paygate.Simulators.Faults.FaultPlan
            {
                LoseResponseRate = 1,
                Methods = ["alipay.trade.precreate", "alipay.trade.query", "alipay.trade.close"],
            };
            await using (var first = await GatewayUnderTest.StartAsync(channels, data))
            {
                before = await first.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(7800));
                ports = first.Ports;
                Assert.Equal((Payment.Types.State.Processing, Attempt.Types.State.Unknown), (before.State, before.Attempts[0].State));
            }

            simulators.AlipayFaults.Plan = Paygate.Simulators.Faults.FaultPlan.None;
            await using var second = await GatewayUnderTest.StartAsync(channels, data, ports: ports);

            // The order was created (and closed) at Alipay though nobody heard; the new gateway's worker finds out and moves on.
            var settled = await second.WaitForAsync(before.Id, p => p.State == Payment.Types.State.RequiresAction);
            Assert.Equal(Attempt.Types.State.Closed, settled.Attempts[0].State);
            Assert.DoesNotContain(simulators.Alipay.Ledger, e => e.OutTradeNo == before.Attempts[0].ChannelReference);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
