using Paygate.Gateway.Merchants;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Sqlite;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Tests.Webhooks;

/// <summary>The dispatcher against a real SQLite outbox, a fake clock and a scripted endpoint.</summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paygate-webhooks-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ScriptedEndpoint _endpoint = new();
    private readonly WebhookOptions _options = new();
    private readonly WebhookSecretBox _box = new(RandomNumberGenerator.GetBytes(32));
    private SqliteDatabase _database = null!;
    private SqlitePaymentStore _payments = null!;
    private SqliteWebhookStore _webhooks = null!;
    private WebhookDispatcher _dispatcher = null!;

    public async Task InitializeAsync()
    {
        var database = _database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path.Combine(_dir, "p.db") }));
        _payments = new SqlitePaymentStore(database);
        await _payments.InitializeAsync(CancellationToken.None);
        _webhooks = new SqliteWebhookStore(database);
        _dispatcher = new WebhookDispatcher(_webhooks, _box, new Clients(_endpoint), new WebhookAddressPolicy(GatewayEnvironment.Sandbox), new PaymentSignals(), Options.Create(_options), _clock,
            NullLogger<WebhookDispatcher>.Instance);
    }

    private async Task<string> RegisterAsync(params string[] types)
    {
        var id = PaymentIds.NewWebhookEndpointId(_clock);
        await _webhooks.InsertEndpointAsync(new WebhookEndpoint(id, TestPayments.Merchant, "http://127.0.0.1:9/hook", "", types, WebhookEndpointState.Enabled, _clock.GetUtcNow()),
            _box.Seal("whsec_x", id), AuditEntry.New(_clock.GetUtcNow(), "test", AuditActions.WebhookEndpointCreated, id, TestPayments.Merchant), CancellationToken.None);
        return id;
    }

    private async Task<Payment> PaymentWithTwoEventsAsync()
    {
        var payment = TestPayments.New(_clock);
        await _payments.InsertAsync(payment, new PaymentChange(PaymentEventTypes.Created), null, CancellationToken.None);
        payment.State = PaymentState.RequiresAction;
        Assert.True(await _payments.TryUpdateAsync(payment, payment.Version, PaymentEventTypes.RequiresAction, null, CancellationToken.None));
        return payment;
    }

    [Fact]
    public async Task EventWrite_FansOutToEachEndpointThatWantsIt_InTheSameTransaction()
    {
        var all = await RegisterAsync();
        var onlySucceeded = await RegisterAsync(PaymentEventTypes.Succeeded);
        var payment = await PaymentWithTwoEventsAsync();

        var deliveries = await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, payment.Id, null, 10, CancellationToken.None);

        Assert.Equal([PaymentEventTypes.RequiresAction, PaymentEventTypes.Created], deliveries.Select(d => d.EventType));
        Assert.All(deliveries, d => Assert.Equal(all, d.EndpointId));
        Assert.DoesNotContain(deliveries, d => d.EndpointId == onlySucceeded);
    }

    [Fact]
    public async Task FailingEndpoint_IsRetriedWithGrowingBackoff_AndLaterEventsWaitTheirTurn()
    {
        await RegisterAsync();
        var payment = await PaymentWithTwoEventsAsync();
        _endpoint.Status = HttpStatusCode.InternalServerError;

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(1, await _dispatcher.DispatchDueAsync(CancellationToken.None));
            var pending = (await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, payment.Id, null, 10, CancellationToken.None)).Single(d => d.EventType == PaymentEventTypes.Created);
            delays.Add(pending.NextAttemptTime - _clock.GetUtcNow());
            Assert.Equal(0, await _dispatcher.DispatchDueAsync(CancellationToken.None)); // not due yet, and the second event waits for the first
            _clock.Advance(pending.NextAttemptTime - _clock.GetUtcNow());
        }

        Assert.All(_endpoint.Received, r => Assert.Equal("evt_1", r.EventId));
        for (var i = 0; i < delays.Count; i++)
        {
            var nominal = _options.FirstRetryDelay * Math.Pow(2, i);
            Assert.InRange(delays[i], nominal * 0.8, nominal * 1.2);
        }

        _endpoint.Status = HttpStatusCode.NoContent;
        await _dispatcher.DispatchDueAsync(CancellationToken.None);
        await _dispatcher.DispatchDueAsync(CancellationToken.None);
        var history = await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, payment.Id, null, 10, CancellationToken.None);

        Assert.Equal(["evt_1", "evt_1", "evt_1", "evt_1", "evt_1", "evt_2"], _endpoint.Received.Select(r => r.EventId));
        Assert.All(history, d => Assert.Equal(WebhookDeliveryState.Delivered, d.State));
        Assert.Equal([500, 500, 500, 500, 204], history.Single(d => d.EventType == PaymentEventTypes.Created).Attempts.Select(a => a.HttpStatus));
    }

    [Fact]
    public async Task Delivery_IsGivenUpAfter24Hours_ThenTheNextEventOfThePaymentGoes()
    {
        await RegisterAsync();
        var payment = await PaymentWithTwoEventsAsync();
        _endpoint.Status = HttpStatusCode.ServiceUnavailable;

        var tries = 0;
        while ((await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, payment.Id, null, 10, CancellationToken.None)).Single(d => d.EventType == PaymentEventTypes.Created).State == WebhookDeliveryState.Pending)
        {
            tries += await _dispatcher.DispatchDueAsync(CancellationToken.None);
            _clock.Advance(_options.MaxRetryDelay * 1.2);
            Assert.True(tries < 100);
        }

        var first = (await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, payment.Id, null, 10, CancellationToken.None)).Single(d => d.EventType == PaymentEventTypes.Created);
        Assert.Equal(WebhookDeliveryState.Failed, first.State);
        Assert.InRange(first.Attempts[^1].Time - first.CreateTime, _options.GiveUpAfter, _options.GiveUpAfter + _options.MaxRetryDelay * 1.2);
        // Backoff capped at an hour: about 25 tries in a day, not thousands.
        Assert.InRange(first.Attempts.Count, 20, 40);
        Assert.Contains("HTTP 503", first.Attempts[0].Error);
    }

    [Fact]
    public async Task ClaimedDelivery_WhoseSenderDied_IsDueAgainWhenTheLeaseLapses()
    {
        await RegisterAsync();
        var payment = await PaymentWithTwoEventsAsync();

        var claimed = await _webhooks.ClaimDueAsync(_clock.GetUtcNow(), _clock.GetUtcNow().AddSeconds(30), 10, CancellationToken.None);
        Assert.Single(claimed);
        // The claimer crashed without recording anything.
        Assert.Empty(await _webhooks.ClaimDueAsync(_clock.GetUtcNow(), _clock.GetUtcNow().AddSeconds(30), 10, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(31));
        await _dispatcher.DispatchDueAsync(CancellationToken.None);
        await _dispatcher.DispatchDueAsync(CancellationToken.None);

        Assert.Equal(["evt_1", "evt_2"], _endpoint.Received.Select(r => r.EventId));
        Assert.All(await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, payment.Id, null, 10, CancellationToken.None), d => Assert.Equal(WebhookDeliveryState.Delivered, d.State));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class ScriptedEndpoint : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
        public List<(string EventId, string Signature)> Received { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Received)
            {
                Received.Add((request.Headers.GetValues("Paygate-Event-Id").Single(), request.Headers.GetValues(WebhookSignature.HeaderName).Single()));
            }
            return Task.FromResult(new HttpResponseMessage(Status));
        }
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
