using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>An event's detail (a risk alert's) is kept with it and read back by every reader: the payment's events, the stream, the webhook outbox.</summary>
public sealed class EventDetailContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public static TheoryData<string> Providers => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EventWithDetail_RoundTrips_ThroughEventsStreamAndOutbox_ToEndpointsSubscribedToItsType(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var now = _clock.GetUtcNow();
        var endpoint = new WebhookEndpoint("we_alerts", TestPayments.Merchant, "https://merchant.example/alerts", "", [PaymentEventTypes.RiskAlert],
            WebhookEndpointState.Enabled, now);
        await stores.Webhooks.InsertEndpointAsync(endpoint, "sealed", AuditEntry.New(now, "test", "webhook_endpoint.created", endpoint.Id, TestPayments.Merchant, ""),
            CancellationToken.None);
        var payment = TestPayments.New(_clock, PaymentState.Failed, AttemptState.Declined);
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        const string detail = """{"rule":"decline-rate-high","indicator":"decline_rate","value":"0.6","threshold":"0.5","reason":"r","fire_time":"2026-11-29T10:00:00+00:00"}""";

        Assert.True(await stores.Payments.TryUpdateAsync(payment, 1, new PaymentChange(PaymentEventTypes.RiskAlert, Detail: detail), null, CancellationToken.None));

        var events = await stores.Payments.EventsAsync(payment.Id, 0, CancellationToken.None);
        Assert.Equal([(PaymentEventTypes.Created, null), (PaymentEventTypes.RiskAlert, detail)], events.Select(e => (e.Type, e.Detail)));
        Assert.Equal(PaymentState.Failed, events[^1].State);
        var streamed = await stores.Payments.AllEventsAsync(TestPayments.Merchant, 0, 10, CancellationToken.None);
        Assert.Equal([null, detail], streamed.Select(e => e.Detail));
        // Only the alert goes to an endpoint that asked for alerts only, and it carries its detail.
        var due = Assert.Single(await stores.Webhooks.ClaimDueAsync(now, now.AddMinutes(1), 10, CancellationToken.None));
        Assert.Equal((PaymentEventTypes.RiskAlert, detail), (due.Event.Type, due.Event.Detail));
    }
}
