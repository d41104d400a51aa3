using Paygate.Gateway.Mapping;
using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose webhook retries are quick, so that a test sees several.</summary>
public sealed class QuickWebhookFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        // Generous: a loaded CI machine must not turn a slow answer into a retry the tests do not expect.
        ["Webhooks:Timeout"] = "00:00:10",
    };
}

/// <summary>Merchant events through the real gateway: the event stream and webhooks to a real HTTP endpoint.</summary>
public sealed class WebhookTests(QuickWebhookFixture fixture) : IClassFixture<QuickWebhookFixture>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private WebhookService.WebhookServiceClient _webhooks = null!;
    private string _endpointId = "";
    private GatewayUnderTest Gateway => fixture.Gateway;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _webhooks = new WebhookService.WebhookServiceClient(Gateway.Merchant);
        var endpoint = await _webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = _receiver.Url, Description = "orders service" });
        _receiver.Secret = endpoint.Secret;
        _endpointId = endpoint.Id;
    }

    /// <summary>The payment's events as the store holds them (what the webhooks must deliver), oldest first.</summary>
    private async Task<IReadOnlyList<Event>> EventsOfAsync(string paymentId) =>
        (await Gateway.Store.EventsAsync(paymentId, 0, CancellationToken.None)).Select(e => e.ToProto()).ToList();

    private async Task<ListWebhookDeliveriesResponse> DeliveredHistoryAsync(string paymentId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var history = await _webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { PaymentId = paymentId, EndpointId = _endpointId });
            if (history.Deliveries.All(d => d.State == WebhookDelivery.Types.State.Delivered) || DateTime.UtcNow > deadline)
            {
                return history;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task EveryEventOfAPaymentAndItsRefund_IsPostedSigned_InOrder()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(4100));
        fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        var refund = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = created.Id, AmountMinor = 100 });
        var events = await EventsOfAsync(created.Id);

        await _receiver.WaitUntilAsync(r => events.All(e => r.Acknowledged.Any(a => a.Event.Id == e.Id)));

        var mine = _receiver.Acknowledged.Where(r => r.Event.Payment.Id == created.Id).ToList();
        Assert.Equal(events.Select(e => e.Id), mine.Select(r => r.Event.Id));
        Assert.Equal(["payment.created", "payment.requires_action", "payment.succeeded", "refund.created", "refund.succeeded"], mine.Select(r => r.Event.Type));
        Assert.All(mine, r => Assert.True(r.SignatureValid));
        Assert.All(mine, r => Assert.Equal(r.Event.Id, r.EventIdHeader));
        Assert.Equal(refund.Id, mine[^1].Event.Refund.Id);
        Assert.Equal(Refund.Types.State.Succeeded, mine[^1].Event.Refund.State);

        var history = await DeliveredHistoryAsync(created.Id);
        Assert.Equal(events.Select(e => e.Id).Reverse(), history.Deliveries.Select(d => d.EventId));
        Assert.All(history.Deliveries, d => Assert.Equal((WebhookDelivery.Types.State.Delivered, 200), (d.State, d.Attempts.Single().HttpStatus)));
    }

    [Fact]
    public async Task FailingEndpoint_GetsRetriesWithBackoff_AndStillSeesEachPaymentsEventsInOrder()
    {
        // Every event is refused twice before it is taken.
        _receiver.Answer = r => r.Attempt <= 2 ? 500 : 200;
        var payments = new List<Payment>();
        for (var i = 0; i < 3; i++)
        {
            payments.Add(await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(4200 + i)));
        }
        foreach (var p in payments)
        {
            fixture.Simulators.Alipay.BuyerPays(p.NextAction.QrCode);
            await Gateway.WaitForAsync(p.Id, x => x.State == Payment.Types.State.Succeeded);
        }

        foreach (var p in payments)
        {
            var events = await EventsOfAsync(p.Id);
            await _receiver.WaitUntilAsync(r => events.All(e => r.Acknowledged.Any(a => a.Event.Id == e.Id)), timeoutSeconds: 30);
            var posts = _receiver.All.Where(r => r.Event.Payment.Id == p.Id).ToList();
            // Each event: refused, refused, taken; and no event of the payment was posted before the previous one was taken.
            Assert.Equal(events.SelectMany(e => Enumerable.Repeat(e.Id, 3)), posts.Select(r => r.Event.Id));
            // The receiver has answered; the gateway records the answer a moment later.
            var history = await DeliveredHistoryAsync(p.Id);
            Assert.All(history.Deliveries, d => Assert.Equal([500, 500, 200], d.Attempts.Select(a => a.HttpStatus)));
            // Never sooner than the backoff allows: 200 ms, then 400 ms, each with -20 % jitter at most (a loaded machine only adds).
            Assert.All(history.Deliveries, d => Assert.True(d.Attempts[1].Time.ToDateTimeOffset() - d.Attempts[0].Time.ToDateTimeOffset() >= TimeSpan.FromMilliseconds(150)));
            Assert.All(history.Deliveries, d => Assert.True(d.Attempts[2].Time.ToDateTimeOffset() - d.Attempts[1].Time.ToDateTimeOffset() >= TimeSpan.FromMilliseconds(300)));
        }
    }

    [Fact]
    public async Task StreamEvents_ResumedFromACursor_MissesNothingAndRepeatsNothing()
    {
        var first = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(4300));
        var seen = new List<Event>();
        using (var cancel = new CancellationTokenSource())
        using (var stream = Gateway.Payments.StreamEvents(new StreamEventsRequest(), cancellationToken: cancel.Token))
        {
            while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                seen.Add(stream.ResponseStream.Current);
                if (stream.ResponseStream.Current.Payment.Id == first.Id && stream.ResponseStream.Current.Type == "payment.requires_action")
                {
                    break; // the client goes away
                }
            }
            cancel.Cancel();
        }

        // Meanwhile more happens.
        var second = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(4301));
        await Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = first.Id });

        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        using (var resumed = Gateway.Payments.StreamEvents(new StreamEventsRequest { AfterCursor = seen[^1].Cursor }, cancellationToken: cancel.Token))
        {
            while (await resumed.ResponseStream.MoveNext(cancel.Token))
            {
                seen.Add(resumed.ResponseStream.Current);
                if (resumed.ResponseStream.Current.Payment.Id == first.Id && resumed.ResponseStream.Current.Type == "payment.canceled")
                {
                    break;
                }
            }
        }

        var stored = await Gateway.Store.AllEventsAsync(Gateway.MerchantId, 0, 100_000, CancellationToken.None);
        var upTo = stored.TakeWhile(e => e.Sequence <= long.Parse(seen[^1].Cursor)).Select(e => "evt_" + e.Sequence);
        Assert.Equal(upTo, seen.Select(e => e.Id));
        Assert.Contains(seen, e => e.Payment.Id == second.Id && e.Type == "payment.created");

        var (code, _, bad) = await RpcErrors.CatchAsync(async () =>
        {
            using var call = Gateway.Payments.StreamEvents(new StreamEventsRequest { AfterCursor = "abc" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal((StatusCode.InvalidArgument, "after_cursor"), (code, bad!.FieldViolations.Single().Field));
    }

    [Fact]
    public async Task EndpointRegistration_RefusesBadInput_AndADeletedEndpointGetsNothingMore()
    {
        var (code, info, bad) = await RpcErrors.CatchAsync(() => _webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = "ftp://example.com/x" }).ResponseAsync);
        var (typeCode, _, typeBad) = await RpcErrors.CatchAsync(() => _webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = _receiver.Url, EventTypes = { "payment.exploded" } }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6001", "url"), (code, info.Reason, bad!.FieldViolations.Single().Field));
        Assert.Equal((StatusCode.InvalidArgument, "event_types[0]"), (typeCode, typeBad!.FieldViolations.Single().Field));

        var listed = await _webhooks.ListWebhookEndpointsAsync(new ListWebhookEndpointsRequest());
        Assert.All(listed.Endpoints, e => Assert.Empty(e.Secret));

        var deleted = await _webhooks.DeleteWebhookEndpointAsync(new DeleteWebhookEndpointRequest { Id = _endpointId });
        Assert.Equal(WebhookEndpoint.Types.State.Deleted, deleted.State);
        var after = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(4400));
        await Task.Delay(500);
        Assert.DoesNotContain(_receiver.All, r => r.Event.Payment.Id == after.Id);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://192.168.1.10/hooks", "private")]
    [InlineData("http://[fd00::1]/hooks", "unique local")]
    public async Task Sandbox_Registration_TakesLoopbackHttp_ButNotPrivateOrMetadataAddresses(string url, string reason)
    {
        // This class's receiver, http on 127.0.0.1, was registered in InitializeAsync.
        var (code, _, bad) = await RpcErrors.CatchAsync(() => _webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = url }).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "url"), (code, bad!.FieldViolations.Single().Field));
        Assert.Contains(reason, bad.FieldViolations.Single().Description);
    }

    public async Task DisposeAsync()
    {
        if (_endpointId.Length > 0)
        {
            await _webhooks.DeleteWebhookEndpointAsync(new DeleteWebhookEndpointRequest { Id = _endpointId });
        }
        await _receiver.DisposeAsync();
    }
}
