using Grpc.Core;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A live gateway: webhooks go over https to public addresses only.</summary>
public sealed class LiveGatewayFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Paygate:Environment"] = "Live",
    };
}

/// <summary>Webhooks cannot be aimed at the gateway's own network: refused when registered, and again when delivered.</summary>
public sealed class WebhookAddressTests(LiveGatewayFixture live) : IClassFixture<LiveGatewayFixture>
{
    [Theory]
    [InlineData("http://shop.example.com/hooks", "must be an https URL")]
    [InlineData("https://127.0.0.1:8443/hooks", "loopback")]
    [InlineData("https://[::1]:8443/hooks", "loopback")]
    [InlineData("https://10.0.0.7/hooks", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("https://localhost:8443/hooks", "non-public")]
    public async Task Live_Registration_RefusesUrlsThatReachOurOwnNetwork(string url, string reason)
    {
        var webhooks = new WebhookService.WebhookServiceClient(live.Gateway.Merchant);

        var (code, _, bad) = await RpcErrors.CatchAsync(() => webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = url }).ResponseAsync);

        var violation = bad!.FieldViolations.Single();
        Assert.Equal((StatusCode.InvalidArgument, "url"), (code, violation.Field));
        Assert.Contains(reason, violation.Description);
    }

    [Fact]
    public async Task EndpointOnLoopback_RegisteredInASandbox_GetsNothingFromALiveGatewayOnTheSameData()
    {
        var data = Directory.CreateTempSubdirectory("paygate-webhook-live-").FullName;
        await using var simulators = await SimulatorHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var channels = SandboxSettings.For(simulators);
        // https, so that only the connect-time address check stands between the live gateway and the receiver.
        var url = receiver.Url.Replace("http://", "https://", StringComparison.Ordinal);
        try
        {
            await using (var sandbox = await GatewayUnderTest.StartAsync(channels, data))
            {
                await new WebhookService.WebhookServiceClient(sandbox.Merchant).CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = url });
            }

            await using var gateway = await GatewayUnderTest.StartAsync(channels, data, new Dictionary<string, string?> { ["Paygate:Environment"] = "Live" });
            var webhooks = new WebhookService.WebhookServiceClient(gateway.Merchant);
            var payment = await gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(4500));
            WebhookAttempt? attempt = null;
            await GatewayUnderTest.WaitUntilAsync(async () =>
            {
                var history = await webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { PaymentId = payment.Id });
                attempt = history.Deliveries.SelectMany(d => d.Attempts).FirstOrDefault();
                return attempt is not null;
            }, TimeSpan.FromSeconds(15), "a first try of the payment's first event");

            Assert.Equal(0, attempt!.HttpStatus);
            Assert.Contains("refused by the address policy", attempt.Error);
            Assert.Contains("loopback", attempt.Error);
            Assert.Empty(receiver.All);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
