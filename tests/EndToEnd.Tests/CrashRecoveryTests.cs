using Grpc.Core;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>The gateway process killed outright while work is pending, then started again on the same database.</summary>
public sealed class CrashRecoveryTests
{
    private static readonly Dictionary<string, string?> QuickWebhooks = new()
    {
        ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
        ["Webhooks:MaxRetryDelay"] = "00:00:01",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:01",
    };

    [Fact]
    public async Task KilledWithWebhooksPending_RestartDeliversEveryEvent_InOrderPerPayment()
    {
        var data = Directory.CreateTempSubdirectory("paygate-crash-").FullName;
        await using var simulators = await SimulatorHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?>(SandboxSettings.For(simulators));
        foreach (var (key, value) in QuickWebhooks)
        {
            settings[key] = value;
        }
        var ports = (GatewayUnderTest.FreePort(), GatewayUnderTest.FreePort());
        try
        {
            // The merchant's endpoint is down: every event waits in the outbox.
            receiver.Answer = _ => 503;
            var payments = new List<Payment>();
            await using (var first = await GatewayProcess.StartAsync(settings, data, ports))
            {
                var endpoint = await first.Webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = receiver.Url });
                receiver.Secret = endpoint.Secret;
                for (var i = 0; i < 4; i++)
                {
                    payments.Add(await first.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(5100 + i)));
                }
                simulators.Alipay.BuyerPays(payments[0].NextAction.QrCode);
                simulators.Alipay.BuyerPays(payments[1].NextAction.QrCode);
                await WaitAsync(async () => (await first.Payments.GetPaymentAsync(new GetPaymentRequest { Id = payments[1].Id })).State == Payment.Types.State.Succeeded);
                await receiver.WaitUntilAsync(r => r.All.Count >= 3);

                first.Kill();
            }
            Assert.Empty(receiver.Acknowledged);

            receiver.Answer = _ => 200;
            await using var second = await GatewayProcess.StartAsync(settings, data, ports);

            var events = await AllEventsAsync(second);
            Assert.True(events.Count >= 4 * 2 + 2, $"{events.Count} events"); // created + requires_action each, succeeded for two (more if a call was slow)
            await receiver.WaitUntilAsync(r => events.All(e => r.Acknowledged.Any(a => a.Event.Id == e.Id)), timeoutSeconds: 30);
            foreach (var payment in payments)
            {
                var taken = receiver.Acknowledged.Where(r => r.Event.Payment.Id == payment.Id).Select(r => r.Event.Id).Distinct();
                Assert.Equal(events.Where(e => e.Payment.Id == payment.Id).Select(e => e.Id), taken);
            }
            Assert.All(receiver.All, r => Assert.True(r.SignatureValid));
            // The receiver has answered; the gateway records each answer a moment later.
            var history = await second.Webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { PageSize = 100 });
            for (var i = 0; i < 100 && history.Deliveries.Any(d => d.State != WebhookDelivery.Types.State.Delivered); i++)
            {
                await Task.Delay(100);
                history = await second.Webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { PageSize = 100 });
            }
            Assert.Equal(events.Count, history.Deliveries.Count);
            Assert.All(history.Deliveries, d => Assert.Equal(WebhookDelivery.Types.State.Delivered, d.State));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<Event>> AllEventsAsync(GatewayProcess gateway)
    {
        var events = new List<Event>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var stream = gateway.Payments.StreamEvents(new StreamEventsRequest(), cancellationToken: cancel.Token);
        try
        {
            while (await stream.ResponseStream.MoveNext(cancel.Token))
            {
                events.Add(stream.ResponseStream.Current);
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // The stream follows forever; after five seconds it has long sent everything stored.
        }
        return events;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }
}
