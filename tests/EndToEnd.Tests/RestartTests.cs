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
}
