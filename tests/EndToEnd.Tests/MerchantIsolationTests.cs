using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// Two merchants on one gateway: every RPC of the merchant API answers another merchant's resource exactly as one that
/// does not exist, lists and streams hold only the caller's own, and request ids, page tokens and webhook endpoints are
/// each merchant's own.
/// </summary>
public sealed class MerchantIsolationTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private static readonly string MissingPayment = "pay_" + new string('0', 26);

    /// <summary>A second merchant with its own key, made through the AdminService.</summary>
    private async Task<(string Id, PaymentService.PaymentServiceClient Payments, WebhookService.WebhookServiceClient Webhooks)> OtherMerchantAsync()
    {
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "Other merchant " + Guid.NewGuid().ToString("N")[..6] });
        var key = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "isolation test" });
        var invoker = ApiCredentials.WithKey(Gateway.Channel, key.Secret);
        return (merchant.Id, new PaymentService.PaymentServiceClient(invoker), new WebhookService.WebhookServiceClient(invoker));
    }

    private static CreatePaymentRequest CardPayment(string? requestId = null, long amount = 12_000) => GatewayUnderTest.CardRequest(amount: amount, requestId: requestId);

    /// <summary>The refusal an id that exists nowhere gets, to compare another merchant's with: same status, code and words.</summary>
    private static async Task AssertSameAsMissingAsync(Func<string, Task> call, string theirs, string missing)
    {
        var (code, info, _) = await RpcErrors.CatchAsync(() => call(theirs));
        var (missingCode, missingInfo, _) = await RpcErrors.CatchAsync(() => call(missing));
        Assert.Equal(StatusCode.NotFound, code);
        Assert.Equal((missingCode, missingInfo.Reason), (code, info.Reason));
        var message = (await Assert.ThrowsAsync<RpcException>(() => call(theirs))).Status.Detail;
        var missingMessage = (await Assert.ThrowsAsync<RpcException>(() => call(missing))).Status.Detail;
        Assert.Equal(missingMessage.Replace(missing, "ID", StringComparison.Ordinal), message.Replace(theirs, "ID", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherMerchantsPayment_IsNotFound_ForEveryRpc_AndStaysUntouched()
    {
        var mine = await Gateway.Payments.CreatePaymentAsync(CardPayment());
        Assert.Equal(Payment.Types.State.Succeeded, mine.State);
        var refund = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = mine.Id, AmountMinor = 1000 });
        var (_, other, _) = await OtherMerchantAsync();

        await AssertSameAsMissingAsync(id => other.GetPaymentAsync(new GetPaymentRequest { Id = id }).ResponseAsync, mine.Id, MissingPayment);
        await AssertSameAsMissingAsync(id => other.CancelPaymentAsync(new CancelPaymentRequest { Id = id }).ResponseAsync, mine.Id, MissingPayment);
        await AssertSameAsMissingAsync(id => other.RetryPaymentAsync(new RetryPaymentRequest { Id = id }).ResponseAsync, mine.Id, MissingPayment);
        await AssertSameAsMissingAsync(id => other.RefundPaymentAsync(new RefundPaymentRequest { Id = id, AmountMinor = 500 }).ResponseAsync, mine.Id, MissingPayment);
        await AssertSameAsMissingAsync(id => other.GetRefundAsync(new GetRefundRequest { Id = id }).ResponseAsync, refund.Id, "re_" + new string('0', 26));
        await AssertSameAsMissingAsync(async id =>
        {
            using var watch = other.WatchPayment(new WatchPaymentRequest { Id = id });
            await watch.ResponseStream.MoveNext(CancellationToken.None);
        }, mine.Id, MissingPayment);

        var after = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = mine.Id });
        Assert.Equal((Payment.Types.State.Succeeded, 1), (after.State, after.Refunds.Count));
    }

    [Fact]
    public async Task Lists_HoldOnlyTheCallersPayments_AndPageTokensAreUselessToAnotherMerchant()
    {
        var (_, other, _) = await OtherMerchantAsync();
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await Gateway.Payments.CreatePaymentAsync(CardPayment())).Id);
        }
        var theirs = (await other.CreatePaymentAsync(CardPayment())).Id;

        var theirList = await other.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 100 });
        Assert.Equal([theirs], theirList.Payments.Select(p => p.Id));
        var theirSucceeded = await other.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 100, State = Payment.Types.State.Succeeded });
        Assert.Equal([theirs], theirSucceeded.Payments.Select(p => p.Id));
        var myFirstPage = await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 1 });
        Assert.DoesNotContain(theirs, myFirstPage.Payments.Select(p => p.Id));
        Assert.NotEmpty(myFirstPage.NextPageToken);

        var (code, info, bad) = await RpcErrors.CatchAsync(() => other.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 1, PageToken = myFirstPage.NextPageToken }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6001", "page_token"), (code, info.Reason, bad?.FieldViolations.Single().Field));
        var mySecondPage = await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 1, PageToken = myFirstPage.NextPageToken });
        Assert.Single(mySecondPage.Payments);
    }

    [Fact]
    public async Task StreamEvents_CarriesOnlyTheCallersEvents()
    {
        var (_, other, _) = await OtherMerchantAsync();
        var mine = await Gateway.Payments.CreatePaymentAsync(CardPayment());
        var theirs = await other.CreatePaymentAsync(CardPayment());

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var stream = other.StreamEvents(new StreamEventsRequest(), cancellationToken: cancel.Token);
        var seen = new List<Event>();
        while (!seen.Any(e => e.Payment.Id == theirs.Id && e.Payment.State == Payment.Types.State.Succeeded))
        {
            Assert.True(await stream.ResponseStream.MoveNext(cancel.Token));
            seen.Add(stream.ResponseStream.Current);
        }

        Assert.All(seen, e => Assert.Equal(theirs.Id, e.Payment.Id));
        Assert.DoesNotContain(seen, e => e.Payment.Id == mine.Id);
    }

    [Fact]
    public async Task SameRequestId_IsEachMerchantsOwn()
    {
        var (_, other, _) = await OtherMerchantAsync();
        var requestId = Guid.NewGuid().ToString();

        var mine = await Gateway.Payments.CreatePaymentAsync(CardPayment(requestId, 12_000));
        var theirs = await other.CreatePaymentAsync(CardPayment(requestId, 15_000));
        var mineAgain = await Gateway.Payments.CreatePaymentAsync(CardPayment(requestId, 12_000));

        Assert.NotEqual(mine.Id, theirs.Id);
        Assert.Equal((15_000L, Payment.Types.State.Succeeded), (theirs.AmountMinor, theirs.State));
        Assert.Equal(mine.Id, mineAgain.Id);
    }

    [Fact]
    public async Task WebhookEndpoints_AndDeliveries_AreEachMerchantsOwn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var webhooks = new WebhookService.WebhookServiceClient(Gateway.Merchant);
        var endpoint = await webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = receiver.Url });
        receiver.Secret = endpoint.Secret;
        var (_, other, otherWebhooks) = await OtherMerchantAsync();

        var theirs = await other.CreatePaymentAsync(CardPayment());
        var mine = await Gateway.Payments.CreatePaymentAsync(CardPayment());
        await GatewayUnderTest.WaitUntilAsync(() => Task.FromResult(receiver.All.Any(r => r.Event.Payment.Id == mine.Id)),
            TimeSpan.FromSeconds(15), "my endpoint hears of my payment");

        Assert.DoesNotContain(receiver.All, r => r.Event.Payment.Id == theirs.Id);
        Assert.DoesNotContain(endpoint.Id, (await otherWebhooks.ListWebhookEndpointsAsync(new ListWebhookEndpointsRequest())).Endpoints.Select(e => e.Id));
        Assert.Empty((await otherWebhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { EndpointId = endpoint.Id })).Deliveries);
        Assert.Empty((await otherWebhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { PaymentId = mine.Id })).Deliveries);
        await AssertSameAsMissingAsync(id => otherWebhooks.DeleteWebhookEndpointAsync(new DeleteWebhookEndpointRequest { Id = id }).ResponseAsync,
            endpoint.Id, "we_" + new string('0', 26));
        Assert.Contains(endpoint.Id, (await webhooks.ListWebhookEndpointsAsync(new ListWebhookEndpointsRequest())).Endpoints
            .Where(e => e.State == WebhookEndpoint.Types.State.Enabled).Select(e => e.Id));
    }

    [Fact]
    public async Task HeldBankCredits_AreOperatorsOnly()
    {
        var merchantAsOperator = new ChannelService.ChannelServiceClient(Gateway.Merchant);

        var (code, info, _) = await RpcErrors.CatchAsync(() => merchantAsOperator.ListHeldCreditsAsync(new ListHeldCreditsRequest()).ResponseAsync);
        var (returnCode, returnInfo, _) = await RpcErrors.CatchAsync(() =>
            merchantAsOperator.ReturnHeldCreditAsync(new ReturnHeldCreditRequest { Channel = "banktransfer", AccountServicerRef = "E1" }).ResponseAsync);

        Assert.Equal((StatusCode.PermissionDenied, "PM-6017"), (code, info.Reason));
        Assert.Equal((StatusCode.PermissionDenied, "PM-6017"), (returnCode, returnInfo.Reason));
    }
}
