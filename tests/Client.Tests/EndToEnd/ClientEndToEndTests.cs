extern alias client;

using client::Paygate.Client;
using client::Paygate.Client.Errors;
using client::Paygate.Client.Webhooks;
using client::Paygate.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Paygate.EndToEnd.Tests;
using Admin = global::Paygate.V1;

namespace Paygate.Client.Tests.EndToEnd;

/// <summary>The client against the real gateway over loopback gRPC, as a merchant's code would use it.</summary>
public sealed class ClientEndToEndTests(ClientFixture fixture) : IClassFixture<ClientFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;
    private readonly List<PaygateClient> _clients = [];

    private PaygateClientOptions Options(string? key = null) =>
        new() { Address = new Uri($"http://127.0.0.1:{Gateway.Ports.Grpc}"), ApiKey = key ?? Gateway.Credentials.MerchantKey };

    private PaygateClient NewClient(string? key = null) => Keep(new PaygateClient(Options(key)));

    private PaygateClient Keep(PaygateClient client)
    {
        _clients.Add(client);
        return client;
    }

    private static CreatePaymentRequest Card(string number = "4242424242424242") => new()
    {
        AmountMinor = 12_000,
        Currency = "USD",
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "US" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = number, ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
    };

    private static CreatePaymentRequest Alipay() => new()
    {
        AmountMinor = 8_888,
        Currency = "CNY",
        Description = "Cloud server ECS, 1 month",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN", Device = "pc" },
        PaymentMethod = new PaymentMethod { Channel = "alipay" },
    };

    [Fact]
    public async Task Create_WithACard_Pays()
    {
        var payment = await NewClient().Payments.CreateAsync(Card());

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal("4242", payment.Card.Last4);
    }

    [Fact]
    public async Task Create_DeclinedCard_IsADeclineWithThePmCodeAndThePayment()
    {
        var declined = await Assert.ThrowsAsync<PaymentDeclinedException>(() => NewClient().Payments.CreateAsync(Card("4000000000009995")));

        Assert.Equal(("PM-1001", "51", "card"), (declined.Code, declined.Metadata["native_code"], declined.Metadata["channel"]));
        Assert.Equal(Payment.Types.State.Failed, declined.Payment!.State);
        Assert.NotNull(declined.RequestId);
    }

    [Fact]
    public async Task Create_InvalidCardNumber_NamesTheField_WithoutEchoingTheNumber()
    {
        const string bad = "4242424242424241";
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(() => NewClient().Payments.CreateAsync(Card(bad)));

        Assert.Equal(("PM-6001", StatusCode.InvalidArgument), (invalid.Code, invalid.StatusCode));
        Assert.Equal("payment_method.card.number", Assert.Single(invalid.FieldViolations).Field);
        Assert.Contains("payment_method.card.number", invalid.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(bad, invalid.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPaymentAndUnknownKey_AreNotFoundAndAuthentication_OnCallsAndStreams()
    {
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => NewClient().Payments.GetAsync("pay_01JZZZZZZZZZZZZZZZZZZZZZZZ"));
        Assert.Equal("PM-6003", missing.Code);
        var unwatchable = await Assert.ThrowsAsync<NotFoundException>(async () =>
        {
            await foreach (var change in NewClient().Payments.WatchAsync("pay_01JZZZZZZZZZZZZZZZZZZZZZZZ"))
            {
                Assert.Fail($"a stream of a payment that does not exist sent {change}");
            }
        });
        Assert.Equal("PM-6003", unwatchable.Code);

        const string unknownKey = "sk_test_unknownunknownunknownunknownunknown1234";
        var refused = await Assert.ThrowsAsync<AuthenticationException>(() => NewClient(unknownKey).Payments.GetAsync("pay_01JZZZZZZZZZZZZZZZZZZZZZZZ"));
        Assert.Equal(("PM-6016", StatusCode.Unauthenticated), (refused.Code, refused.StatusCode));
        Assert.DoesNotContain(unknownKey, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimitedCreates_AreRetriedWithTheSameRequestId_AndEachEndsInOnePayment()
    {
        // A merchant of its own with one call a second and no burst: two creates sent together, one of them is refused (PM-6018 with
        // a RetryInfo of about a second) and the client sends it again after that delay, with the same request_id.
        var admin = new Admin.AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new Admin.CreateMerchantRequest
        {
            Name = "client retry " + Guid.NewGuid().ToString("N")[..6],
            RateLimit = new Admin.RateLimit { PerSecond = 1, Burst = 1 },
        });
        var key = await admin.CreateApiKeyAsync(new Admin.CreateApiKeyRequest { MerchantId = merchant.Id });
        var recorder = new CallRecorder();
        var options = Options(key.Secret);
        options.MaxAttempts = 5;
        var paygate = Keep(new PaygateClient(Gateway.Channel.Intercept(recorder), options));

        var payments = await Task.WhenAll(paygate.Payments.CreateAsync(Card()), paygate.Payments.CreateAsync(Card()));

        Assert.All(payments, p => Assert.Equal(Payment.Types.State.Succeeded, p.State));
        var creates = recorder.Calls.Where(c => c.Method == "CreatePayment").GroupBy(c => c.RequestId).ToList();
        Assert.Equal(2, creates.Count);
        Assert.All(creates, attempts => Assert.True(Guid.TryParse(attempts.Key, out _)));
        var retried = Assert.Single(creates, attempts => attempts.Count() > 1);
        Assert.All(retried.SkipLast(1), refused => Assert.Equal((StatusCode.ResourceExhausted, "PM-6018"), (refused.Status, refused.Code)));
        Assert.Equal(StatusCode.OK, retried.Last().Status);
        var listed = await paygate.Payments.ListAllAsync().ToListAsync();
        Assert.Equal(payments.Select(p => p.Id).Order(), listed.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task AlipayPayment_IsWatchedToSucceeded_RefundedAndStreamedAsEvents()
    {
        var paygate = NewClient();
        var created = await paygate.Payments.CreateAsync(Alipay());
        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var states = new List<Payment.Types.State>();
        await foreach (var change in paygate.Payments.WatchAsync(created.Id, timeout.Token))
        {
            states.Add(change.Payment.State);
            if (states.Count == 1)
            {
                fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode);
            }
            if (change.Payment.State == Payment.Types.State.Succeeded)
            {
                break;
            }
        }
        var refund = await paygate.Refunds.CreateAsync(new RefundPaymentRequest { Id = created.Id, AmountMinor = 888, Reason = "one day unused" });
        var events = new List<Event>();
        await foreach (var evt in paygate.Events.StreamAsync(null, timeout.Token))
        {
            if (evt.Payment?.Id == created.Id)
            {
                events.Add(evt);
            }
            if (evt.Type == "refund.created" && evt.Refund?.Id == refund.Id)
            {
                break;
            }
        }

        Assert.Equal([Payment.Types.State.RequiresAction, Payment.Types.State.Succeeded], states.Distinct());
        Assert.Equal(refund.Id, (await paygate.Refunds.GetAsync(refund.Id)).Id);
        Assert.Equal(["payment.created", "payment.succeeded", "refund.created"],
            events.Select(e => e.Type).Where(t => t is "payment.created" or "payment.succeeded" or "refund.created"));
    }

    [Fact]
    public async Task WebhookTheGatewayDelivers_Verifies_AndAnotherSecretDoesNot()
    {
        var paygate = NewClient();
        await using var endpoint = await MerchantWebhookEndpoint.StartAsync();
        var registered = await paygate.Webhooks.CreateEndpointAsync(new CreateWebhookEndpointRequest { Url = endpoint.Url, EventTypes = { "payment.succeeded" } });
        endpoint.Verifier = new WebhookVerifier(registered.Secret);
        try
        {
            var payment = await paygate.Payments.CreateAsync(Card());

            await GatewayUnderTest.WaitUntilAsync(() => Task.FromResult(endpoint.Deliveries.Any(d => d.Event?.Payment.Id == payment.Id)),
                TimeSpan.FromSeconds(15), "the payment.succeeded webhook");

            var delivery = endpoint.Deliveries.First(d => d.Event?.Payment.Id == payment.Id);
            Assert.Equal("payment.succeeded", delivery.Event!.Type);
            Assert.DoesNotContain(endpoint.Deliveries, d => d.Failure is not null);
            var impostor = new WebhookVerifier("whsec_notTheSecretTheGatewayGaveThisEndpoint");
            Assert.Equal(WebhookSignatureFailure.SignatureMismatch,
                Assert.Throws<WebhookSignatureException>(() => impostor.Verify(delivery.SignatureHeader, delivery.Body)).Failure);
        }
        finally
        {
            await paygate.Webhooks.DeleteEndpointAsync(registered.Id);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
