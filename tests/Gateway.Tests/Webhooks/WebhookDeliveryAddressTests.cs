using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Sqlite;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Tests.Webhooks;

/// <summary>
/// Deliveries through the gateway's real webhook handler (<see cref="WebhookConnections"/>) to endpoints on loopback
/// ports: what is refused at connect time, redirects, and answers that never end.
/// </summary>
public sealed class WebhookDeliveryAddressTests : IAsyncLifetime
{
    private const string Secret = "whsec_do_not_leak";
    private readonly string _dir = Directory.CreateTempSubdirectory("paygate-webhook-net-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly WebhookOptions _options = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly WebhookSecretBox _box = new(RandomNumberGenerator.GetBytes(32));
    private readonly LoopbackEndpoint _endpoint = new();
    private SqliteDatabase _database = null!;
    private SqlitePaymentStore _payments = null!;
    private SqliteWebhookStore _webhooks = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path.Combine(_dir, "p.db") }));
        _payments = new SqlitePaymentStore(_database);
        await _payments.InitializeAsync(CancellationToken.None);
        _webhooks = new SqliteWebhookStore(_database);
    }

    /// <summary>An endpoint registered as the store holds it (the registration check is another test's), and one event for it.</summary>
    private async Task<string> OneEventForAsync(string url)
    {
        var id = PaymentIds.NewWebhookEndpointId(_clock);
        await _webhooks.InsertEndpointAsync(new WebhookEndpoint(id, TestPayments.Merchant, url, "", [], WebhookEndpointState.Enabled, _clock.GetUtcNow()),
            _box.Seal(Secret, id), Merchants.AuditEntry.New(_clock.GetUtcNow(), "test", Merchants.AuditActions.WebhookEndpointCreated, id, TestPayments.Merchant), CancellationToken.None);
        var payment = TestPayments.New(_clock);
        await _payments.InsertAsync(payment, new PaymentChange(PaymentEventTypes.Created), null, CancellationToken.None);
        return payment.Id;
    }

    /// <summary>Dispatches one batch through the real handler, and gives the payment's single delivery afterwards.</summary>
    private async Task<WebhookDelivery> DeliverAsync(WebhookAddressPolicy policy, string paymentId)
    {
        using var handler = WebhookConnections.CreateHandler(policy);
        var dispatcher = new WebhookDispatcher(_webhooks, _box, new Clients(handler), policy, new PaymentSignals(), Options.Create(_options), _clock,
            NullLogger<WebhookDispatcher>.Instance);
        // Bounded, so that a dispatcher that waits on an endless answer fails the test rather than hanging it.
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        return (await _webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, paymentId, null, 10, CancellationToken.None)).Single();
    }

    private static WebhookAddressPolicy Resolving(GatewayEnvironment environment, Func<IPAddress[]> answer) =>
        new(environment, (_, _) => Task.FromResult(answer()));

    private static void AssertFailedAndRetried(WebhookDelivery delivery, FakeTimeProvider clock)
    {
        Assert.Equal(WebhookDeliveryState.Pending, delivery.State);
        Assert.True(delivery.NextAttemptTime > clock.GetUtcNow());
        Assert.DoesNotContain(Secret, delivery.Attempts.Single().Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::1]")]
    public async Task Live_EndpointOnLoopback_IsRefusedAtConnect_TheReceiverGetsNothing_AndTheTryFails(string host)
    {
        // https, so that only the address check stands between the dispatcher and the receiver.
        var paymentId = await OneEventForAsync($"https://{host}:{_endpoint.Port}/hook");

        var delivery = await DeliverAsync(new WebhookAddressPolicy(GatewayEnvironment.Live), paymentId);

        Assert.Equal(0, _endpoint.Connections);
        var attempt = delivery.Attempts.Single();
        Assert.Equal(0, attempt.HttpStatus);
        Assert.Contains("refused by the address policy", attempt.Error);
        Assert.Contains("loopback", attempt.Error);
        AssertFailedAndRetried(delivery, _clock);
    }

    [Fact]
    public async Task Live_NameThatRebindsToLoopbackAfterRegistration_IsRefusedAtConnect()
    {
        var lookups = 0;
        var policy = Resolving(GatewayEnvironment.Live, () => Interlocked.Increment(ref lookups) == 1 ? [IPAddress.Parse("93.184.215.14")] : [IPAddress.Loopback]);
        var url = $"https://merchant.example:{_endpoint.Port}/hook";
        Assert.Null(await policy.RefusalAsync(new Uri(url), CancellationToken.None)); // public when registered
        var paymentId = await OneEventForAsync(url);

        var delivery = await DeliverAsync(policy, paymentId);

        Assert.Equal(0, _endpoint.Connections);
        Assert.Contains("non-public", delivery.Attempts.Single().Error);
        AssertFailedAndRetried(delivery, _clock);
    }

    [Fact]
    public async Task Live_HttpEndpointStoredBeforeThePolicy_IsRefusedWithoutALookup()
    {
        var lookups = 0;
        var policy = Resolving(GatewayEnvironment.Live, () =>
        {
            Interlocked.Increment(ref lookups);
            return [IPAddress.Loopback];
        });
        var paymentId = await OneEventForAsync($"http://merchant.example:{_endpoint.Port}/hook");

        var delivery = await DeliverAsync(policy, paymentId);

        Assert.Equal((0, 0), (lookups, _endpoint.Connections));
        Assert.Contains("must be an https URL", delivery.Attempts.Single().Error);
        AssertFailedAndRetried(delivery, _clock);
    }

    [Fact]
    public async Task Sandbox_ConnectsToTheAddressItVetted_NotToAnotherLookupsAnswer()
    {
        // merchant.example resolves nowhere but in the policy: a delivery that arrives went where the policy looked.
        var policy = Resolving(GatewayEnvironment.Sandbox, () => [IPAddress.Loopback]);
        var paymentId = await OneEventForAsync($"http://merchant.example:{_endpoint.Port}/hook");

        var delivery = await DeliverAsync(policy, paymentId);

        Assert.Equal(WebhookDeliveryState.Delivered, delivery.State);
        Assert.Equal([$"POST /hook merchant.example:{_endpoint.Port}"], _endpoint.Requests);
    }

    [Fact]
    public async Task Redirect_IsAFailedTry_AndItsTargetReceivesNothing()
    {
        await using var target = new LoopbackEndpoint();
        _endpoint.Answer = LoopbackEndpoint.Status(302, "", $"Location: http://127.0.0.1:{target.Port}/internal\r\n");
        var paymentId = await OneEventForAsync($"http://127.0.0.1:{_endpoint.Port}/hook");

        var delivery = await DeliverAsync(new WebhookAddressPolicy(GatewayEnvironment.Sandbox), paymentId);

        Assert.Single(_endpoint.Requests);
        Assert.Equal(0, target.Connections);
        Assert.Equal(302, delivery.Attempts.Single().HttpStatus);
        Assert.Contains("HTTP 302", delivery.Attempts.Single().Error);
        AssertFailedAndRetried(delivery, _clock);
    }

    [Fact]
    public async Task EndlessAnswer_IsReadOnlyUpToTheLimit_TheTryEnds_AndItsExcerptIsBounded()
    {
        _endpoint.Answer = LoopbackEndpoint.Endless(500, "upstream exploded: ", new string('x', 16 * 1024), TimeSpan.Zero);
        var paymentId = await OneEventForAsync($"http://127.0.0.1:{_endpoint.Port}/hook");

        // Well within the 20 s timeout: the dispatcher stops reading, it is not stopped by the clock.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var delivery = await DeliverAsync(new WebhookAddressPolicy(GatewayEnvironment.Sandbox), paymentId);
        Assert.True(watch.Elapsed < _options.Timeout / 2, $"took {watch.Elapsed}");

        var error = delivery.Attempts.Single().Error;
        Assert.StartsWith("the endpoint answered HTTP 500: upstream exploded: xxx", error);
        Assert.InRange(error.Length, 100, 300);
        // And nothing goes on reading it in the background: the connection is dropped.
        await _endpoint.ClosedMidAnswer.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task DrippingAnswer_IsCutAtThePerTryTimeout_KeepingItsStatusAndWhatCame()
    {
        _options.Timeout = TimeSpan.FromSeconds(1);
        _endpoint.Answer = LoopbackEndpoint.Endless(503, "busy", ".", TimeSpan.FromMilliseconds(200));
        var paymentId = await OneEventForAsync($"http://127.0.0.1:{_endpoint.Port}/hook");

        var delivery = await DeliverAsync(new WebhookAddressPolicy(GatewayEnvironment.Sandbox), paymentId);

        var attempt = delivery.Attempts.Single();
        Assert.Equal(503, attempt.HttpStatus);
        Assert.StartsWith("the endpoint answered HTTP 503: busy.", attempt.Error);
        Assert.InRange(attempt.DurationMs, 900, 10_000);
    }

    public async Task DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
