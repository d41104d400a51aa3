using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Retention;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>Old events, finished deliveries and notification receipts go; payments, and what a pending delivery still carries, stay.</summary>
public sealed class RetentionContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public static TheoryData<string> Providers => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Prune_RemovesWhatIsPastItsAge_AndKeepsPaymentsAndWhatIsStillNeeded(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var start = _clock.GetUtcNow();
        var endpoint = new WebhookEndpoint("we_1", TestPayments.Merchant, "https://merchant.example/hook", "", [], WebhookEndpointState.Enabled, start);
        await stores.Webhooks.InsertEndpointAsync(endpoint, "sealed", AuditEntry.New(start, "test", "webhook_endpoint.created", endpoint.Id, TestPayments.Merchant), CancellationToken.None);
        // An old payment: two events, the first delivered, the second still pending (the endpoint was down for months).
        var old = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(old, PaymentEventTypes.Created, null, CancellationToken.None);
        old.State = PaymentState.Succeeded;
        Assert.True(await stores.Payments.TryUpdateAsync(old, 1, new PaymentChange(PaymentEventTypes.Succeeded, null,
            new NotificationReceipt("alipay", "n-old", old.Attempts[0].Reference, start)), null, CancellationToken.None));
        var first = (await stores.Webhooks.ClaimDueAsync(start, start.AddSeconds(1), 10, CancellationToken.None)).Single();
        await stores.Webhooks.RecordAttemptAsync(first.Id, new WebhookAttempt(1, start, 200, "", 3), WebhookDeliveryState.Delivered, start, CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(100));
        var recent = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(recent, PaymentEventTypes.Created, null, CancellationToken.None);
        await stores.Payments.RecordNotificationAsync(new NotificationReceipt("alipay", "n-new", recent.Attempts[0].Reference, _clock.GetUtcNow()), CancellationToken.None);

        var worker = new RetentionWorker(stores.Retention, stores.Leases, Options.Create(new RetentionOptions { BatchSize = 1, Pause = TimeSpan.Zero }), _clock,
            NullLogger<RetentionWorker>.Instance);
        var removed = await worker.PruneAsync(CancellationToken.None);

        // The delivered delivery and the old event it carried; the pending one keeps its event; the old receipt.
        Assert.Equal((1, 1, 1), removed);
        var events = await stores.Payments.AllEventsAsync(TestPayments.Merchant, 0, 10, CancellationToken.None);
        Assert.Equal([(old.Id, PaymentEventTypes.Succeeded), (recent.Id, PaymentEventTypes.Created)], events.Select(e => (e.PaymentId, e.Type)));
        Assert.Equal(WebhookDeliveryState.Pending, (await stores.Webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, old.Id, null, 10, CancellationToken.None)).Single().State);
        Assert.False(await stores.Payments.NotificationSeenAsync("alipay", "n-old", CancellationToken.None));
        Assert.True(await stores.Payments.NotificationSeenAsync("alipay", "n-new", CancellationToken.None));
        Assert.Equal(PaymentState.Succeeded, (await stores.Payments.GetAsync(old.Id, CancellationToken.None))!.State);

        // Nothing left past its age: a second run removes nothing, and the stream numbers on after what was removed.
        Assert.Equal((0, 0, 0), await worker.PruneAsync(CancellationToken.None));
        Assert.True(await stores.Payments.TryUpdateAsync(recent, 1, PaymentEventTypes.Succeeded, null, CancellationToken.None));
        Assert.True((await stores.Payments.AllEventsAsync(TestPayments.Merchant, events[^1].Sequence, 10, CancellationToken.None)).Single().Sequence > events[^1].Sequence);
    }
}
