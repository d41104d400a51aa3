using Grpc.Core;
using Microsoft.Extensions.Logging;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose decline-rate alert fires early (3 declined of 4), with quick webhooks.</summary>
public sealed class RiskAlertFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Risk:Indicators:AlertsEnabled"] = "true",
        // The first shipped rule, made sensitive: above half declined, from four finished payments.
        ["Risk:Alerts:0:Name"] = "decline-rate-high",
        ["Risk:Alerts:0:Indicator"] = "decline_rate",
        ["Risk:Alerts:0:Kind"] = "threshold",
        ["Risk:Alerts:0:Threshold"] = "0.5",
        ["Risk:Alerts:0:MinVolume"] = "4",
        ["Risk:Alerts:0:Cooldown"] = "01:00:00",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:10",
    };
}

/// <summary>Risk indicators and alert rules through the real gateway: declined card payments push the decline rate over a threshold.</summary>
public sealed class RiskAlertTests(RiskAlertFixture fixture) : IClassFixture<RiskAlertFixture>
{
    private const string Approved = "4242424242424242";
    private const string InsufficientFunds = "4000000000009995";

    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task DeclinesOverTheThreshold_FireOneRiskAlert_OnTheStreamAndAsAWebhook_OnThePaymentThatTippedIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var webhooks = new WebhookService.WebhookServiceClient(Gateway.Merchant);
        var endpoint = await webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest
        {
            Url = receiver.Url,
            Description = "risk desk",
            EventTypes = { "risk.alert" },
        });
        receiver.Secret = endpoint.Secret;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = Gateway.Payments.StreamEvents(new StreamEventsRequest(), cancellationToken: cancel.Token);

        var approved = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(Approved));
        var declined = new List<Payment>();
        for (var i = 0; i < 3; i++)
        {
            declined.Add(await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(InsufficientFunds)));
        }
        Assert.Equal(Payment.Types.State.Succeeded, approved.State);
        Assert.All(declined, p => Assert.Equal(("PM-1001", Payment.Types.State.Failed), (p.Error.Code, p.State)));

        // 3 declined of 4 finished: the third decline tips it.
        var streamed = await NextAlertAsync(stream.ResponseStream, cancel.Token);
        Assert.Equal(("decline-rate-high", "decline_rate", "0.75", "0.5"), (streamed.Alert.Rule, streamed.Alert.Indicator, streamed.Alert.Value, streamed.Alert.Threshold));
        Assert.Contains("3 declined of 4 finished payments in the last hour", streamed.Alert.Reason, StringComparison.Ordinal);
        Assert.Equal((declined[^1].Id, Payment.Types.State.Failed), (streamed.Payment.Id, streamed.Payment.State));
        Assert.NotNull(streamed.Alert.FireTime);

        await receiver.WaitUntilAsync(r => r.Acknowledged.Any(a => a.Event.Type == "risk.alert"));
        var posted = Assert.Single(receiver.Acknowledged);
        Assert.True(posted.SignatureValid);
        Assert.Equal(streamed.Id, posted.Event.Id);
        Assert.Equal(streamed.Alert, posted.Event.Alert);
        Assert.Equal(declined[^1].Id, posted.Event.Payment.Id);

        using var http = new HttpClient();
        var scrape = await http.GetStringAsync($"{Gateway.HttpBaseUrl}/metrics");
        Assert.Contains(scrape.Split('\n'), l => l.StartsWith("paygate_risk_alerts_total{", StringComparison.Ordinal)
            && l.Contains("rule=\"decline-rate-high\"", StringComparison.Ordinal) && l.Contains("indicator=\"decline_rate\"", StringComparison.Ordinal)
            && l.Split(' ')[1] == "1");
        Assert.Contains(Gateway.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith("Risk alert decline-rate-high fired for merchant", StringComparison.Ordinal));
    }

    private static async Task<Event> NextAlertAsync(IAsyncStreamReader<Event> events, CancellationToken cancellationToken)
    {
        while (await events.MoveNext(cancellationToken))
        {
            if (events.Current.Type == "risk.alert")
            {
                return events.Current;
            }
        }
        throw new InvalidOperationException("the event stream ended without a risk.alert");
    }
}
