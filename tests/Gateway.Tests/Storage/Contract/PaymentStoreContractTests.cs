using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>What every payment store promises the core, run against SQLite and a real PostgreSQL.</summary>
public sealed class PaymentStoreContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public static TheoryData<string> Providers => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Insert_ThenGet_GivesThePaymentBackUnchanged_AtVersionOne(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var payment = TestPayments.New(_clock);
        payment.Metadata["order"] = "A-1";
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);

        var loaded = await stores.Payments.GetAsync(payment.Id, CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(PaymentJson.Serialize(payment), PaymentJson.Serialize(loaded));
        Assert.Equal(1, loaded.Version);
        Assert.Null(await stores.Payments.GetAsync("pay_missing", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Insert_BookedToAGroup_KeepsTheBookingAndTheCustomersReferences(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var payment = TestPayments.New(_clock, customer: new CustomerInfo("enterprise", "CN", "enterprise", Account: "acc_ops", Project: "migration-2026"));
        payment.Group = new GroupBooking("grp_acme", "acc_ops", "OPS-01");
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);

        var loaded = (await stores.Payments.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal(new GroupBooking("grp_acme", "acc_ops", "OPS-01"), loaded.Group);
        Assert.Equal(("acc_ops", "migration-2026"), (loaded.Customer.Account, loaded.Customer.Project));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUpdate_StaleVersion_IsRefusedAndChangesNothing(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var payment = TestPayments.New(_clock);
        await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        var first = (await store.GetAsync(payment.Id, CancellationToken.None))!;
        var second = (await store.GetAsync(payment.Id, CancellationToken.None))!;

        first.State = PaymentState.Failed;
        Assert.True(await store.TryUpdateAsync(first, 1, PaymentEventTypes.Failed, null, CancellationToken.None));
        second.State = PaymentState.Canceled;
        Assert.False(await store.TryUpdateAsync(second, 1, PaymentEventTypes.Canceled, null, CancellationToken.None));

        var stored = (await store.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal((PaymentState.Failed, 2L), (stored.State, stored.Version));
        Assert.Equal([PaymentEventTypes.Created, PaymentEventTypes.Failed], (await store.EventsAsync(payment.Id, 0, CancellationToken.None)).Select(e => e.Type));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Insert_IdempotencyKeyTaken_WritesNothing(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var first = TestPayments.New(_clock);
        var second = TestPayments.New(_clock);
        await store.InsertAsync(first, PaymentEventTypes.Created, Key("k1", "f1", first.Id), CancellationToken.None);

        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => store.InsertAsync(second, PaymentEventTypes.Created, Key("k1", "f2", second.Id), CancellationToken.None));

        Assert.Null(await store.GetAsync(second.Id, CancellationToken.None));
        Assert.Empty(await store.EventsAsync(second.Id, 0, CancellationToken.None));
        Assert.Equal(first.Id, (await store.FindIdempotencyAsync(TestPayments.Merchant, "create", "k1", CancellationToken.None))!.PaymentId);
        // Another merchant's key of the same text is another key.
        Assert.Null(await store.FindIdempotencyAsync("mch_other", "create", "k1", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUpdate_IdempotencyKeyTaken_RollsTheUpdateBackToo(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var payment = TestPayments.New(_clock);
        await store.InsertAsync(payment, PaymentEventTypes.Created, Key("k1", "f1", payment.Id), CancellationToken.None);

        payment.State = PaymentState.Canceled;
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => store.TryUpdateAsync(payment, 1, PaymentEventTypes.Canceled, Key("k1", "f1", payment.Id), CancellationToken.None));

        var stored = (await store.GetAsync(payment.Id, CancellationToken.None))!;
        Assert.Equal((PaymentState.Processing, 1L), (stored.State, stored.Version));
        Assert.Single(await store.EventsAsync(payment.Id, 0, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Scheduling_ByAnOlderVersion_DoesNotOverwriteWhatANewerChangeScheduled(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var payment = TestPayments.New(_clock);
        await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        Assert.True(await store.TryUpdateAsync(payment, 1, PaymentEventTypes.Created, null, CancellationToken.None));
        var inAnHour = _clock.GetUtcNow().AddHours(1);

        await store.DeferChecksAsync(payment.Id, version: 1, _clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.Contains(await store.ListNeedingAttentionAsync(inAnHour, inAnHour, 10, CancellationToken.None), p => p.Id == payment.Id);

        await store.DeferChecksAsync(payment.Id, version: 2, _clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.DoesNotContain(await store.ListNeedingAttentionAsync(inAnHour, inAnHour, 10, CancellationToken.None), p => p.Id == payment.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FindByAttemptReferenceAndRefundId_FindTheirPayment(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var payment = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded);
        await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        var refundId = PaymentIds.NewRefundId(_clock);
        payment.Refunds.Add(new Refund
        {
            Id = refundId,
            Number = 1,
            Channel = "alipay",
            PaymentReference = payment.Attempts[0].Reference,
            Reference = refundId,
            AmountMinor = 100,
            Reason = "test",
            State = RefundState.Pending,
            CreateTime = _clock.GetUtcNow(),
            UpdateTime = _clock.GetUtcNow(),
        });
        Assert.True(await store.TryUpdateAsync(payment, 1, new PaymentChange(PaymentEventTypes.RefundCreated, refundId), null, CancellationToken.None));

        Assert.Equal(payment.Id, (await store.FindByAttemptReferenceAsync("alipay", payment.Attempts[0].Reference, CancellationToken.None))?.Id);
        Assert.Null(await store.FindByAttemptReferenceAsync("wechatpay", payment.Attempts[0].Reference, CancellationToken.None));
        Assert.Equal(payment.Id, (await store.FindByRefundIdAsync(refundId, CancellationToken.None))?.Id);
        Assert.Equal(refundId, (await store.EventsAsync(payment.Id, 0, CancellationToken.None))[^1].RefundId);
        // A pending refund needs the worker, whatever the payment's state.
        Assert.Contains(await store.ListNeedingAttentionAsync(_clock.GetUtcNow(), _clock.GetUtcNow(), 10, CancellationToken.None), p => p.Id == payment.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_PagesNewestFirstWithoutGapsOrRepeats_AndOnlyTheMerchants(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var payment = TestPayments.New(_clock, i % 2 == 0 ? PaymentState.Processing : PaymentState.Failed);
            ids.Add(payment.Id);
            await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            _clock.Advance(TimeSpan.FromMilliseconds(i % 3 == 0 ? 0 : 5)); // some share a creation time
        }
        await store.InsertAsync(TestPayments.New(_clock, merchantId: "mch_other"), PaymentEventTypes.Created, null, CancellationToken.None);

        var seen = new List<string>();
        PageCursor? cursor = null;
        while (true)
        {
            var page = await store.ListAsync(TestPayments.Merchant, null, cursor, 3, CancellationToken.None);
            seen.AddRange(page.Select(p => p.Id));
            if (page.Count < 3)
            {
                break;
            }
            cursor = new PageCursor(page[^1].CreateTime, page[^1].Id);
        }

        Assert.Equal(ids.OrderByDescending(i => i, StringComparer.Ordinal), seen);
        Assert.Equal(3, (await store.ListAsync(TestPayments.Merchant, PaymentState.Failed, null, 10, CancellationToken.None)).Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListNeedingAttention_FindsExpiredAndUnknownButNotWaitingOrFinal(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var expired = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        var unknown = TestPayments.New(_clock, PaymentState.Processing, AttemptState.Unknown);
        var waiting = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        var done = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded);
        foreach (var p in new[] { expired, unknown, waiting, done })
        {
            await store.InsertAsync(p, PaymentEventTypes.Created, null, CancellationToken.None);
        }

        var now = _clock.GetUtcNow();
        Assert.Equal([unknown.Id], (await store.ListNeedingAttentionAsync(now, now, 10, CancellationToken.None)).Select(p => p.Id));

        var later = now.AddHours(25);
        var dueLater = await store.ListNeedingAttentionAsync(later, later, 10, CancellationToken.None);
        Assert.Equal(new[] { expired.Id, unknown.Id, waiting.Id }.Order(), dueLater.Select(p => p.Id).Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Notifications_AreRecognisedWhenSeenAgain_WhetherTheyChangedThePaymentOrNot(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var payment = TestPayments.New(_clock);
        await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        var applied = new NotificationReceipt("alipay", "n-1", payment.Attempts[0].Reference, _clock.GetUtcNow());
        payment.State = PaymentState.Succeeded;
        Assert.True(await store.TryUpdateAsync(payment, 1, new PaymentChange(PaymentEventTypes.Succeeded, null, applied), null, CancellationToken.None));
        await store.RecordNotificationAsync(new NotificationReceipt("alipay", "n-2", payment.Attempts[0].Reference, _clock.GetUtcNow()), CancellationToken.None);
        await store.RecordNotificationAsync(new NotificationReceipt("alipay", "n-2", payment.Attempts[0].Reference, _clock.GetUtcNow()), CancellationToken.None);

        Assert.True(await store.NotificationSeenAsync("alipay", "n-1", CancellationToken.None));
        Assert.True(await store.NotificationSeenAsync("alipay", "n-2", CancellationToken.None));
        Assert.False(await store.NotificationSeenAsync("wechatpay", "n-1", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EventStream_IsTheMerchantsOnly_InOrder_AndResumesAfterACursor(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var store = stores.Payments;
        var mine = TestPayments.New(_clock);
        var theirs = TestPayments.New(_clock, merchantId: "mch_other");
        await store.InsertAsync(mine, PaymentEventTypes.Created, null, CancellationToken.None);
        await store.InsertAsync(theirs, PaymentEventTypes.Created, null, CancellationToken.None);
        mine.State = PaymentState.Succeeded;
        Assert.True(await store.TryUpdateAsync(mine, 1, PaymentEventTypes.Succeeded, null, CancellationToken.None));

        var all = await store.AllEventsAsync(TestPayments.Merchant, 0, 100, CancellationToken.None);
        Assert.Equal([PaymentEventTypes.Created, PaymentEventTypes.Succeeded], all.Select(e => e.Type));
        Assert.All(all, e => Assert.Equal(mine.Id, e.PaymentId));
        Assert.True(all[0].Sequence < all[1].Sequence);
        Assert.Equal([PaymentEventTypes.Succeeded], (await store.AllEventsAsync(TestPayments.Merchant, all[0].Sequence, 100, CancellationToken.None)).Select(e => e.Type));
        Assert.Equal(PaymentState.Succeeded, (await store.EventsAsync(mine.Id, all[0].Sequence, CancellationToken.None)).Single().State);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentWriters_EveryEventIsStreamedOnce_AndEachPaymentsEventsInOrder(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = provider == TestStores.Postgres ? [stores, await stores.AnotherInstanceAsync()] : new[] { stores };
        var payments = Enumerable.Range(0, 40).Select(_ => TestPayments.New(_clock)).ToList();
        // A reader follows the stream while the writers write, resuming after the last position it saw.
        using var done = new CancellationTokenSource();
        var streamed = new List<PaymentEvent>();
        var reader = Task.Run(async () =>
        {
            long after = 0;
            while (true)
            {
                var finished = done.IsCancellationRequested;
                var batch = await instances[^1].Payments.AllEventsAsync(TestPayments.Merchant, after, 7, CancellationToken.None);
                streamed.AddRange(batch);
                after = batch.Count > 0 ? batch[^1].Sequence : after;
                if (finished && batch.Count == 0)
                {
                    return;
                }
            }
        });
        await Task.WhenAll(payments.Select(async (payment, i) =>
        {
            var store = instances[i % instances.Length].Payments;
            await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            for (var version = 1; version <= 3; version++)
            {
                payment.Metadata["step"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(await store.TryUpdateAsync(payment, version, PaymentEventTypes.Created, null, CancellationToken.None));
            }
        }));
        await done.CancelAsync();
        await reader;

        Assert.Equal(payments.Count * 4, streamed.Count);
        Assert.Equal(streamed.Count, streamed.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal(streamed.Select(e => e.Sequence).Order(), streamed.Select(e => e.Sequence));
        foreach (var payment in payments)
        {
            var steps = streamed.Where(e => e.PaymentId == payment.Id).Select(e => PaymentJson.Deserialize(e.Snapshot).Metadata.GetValueOrDefault("step") ?? "0");
            Assert.Equal(["0", "1", "2", "3"], steps);
        }
    }

    private static IdempotencyRecord Key(string key, string fingerprint, string paymentId) =>
        new(TestPayments.Merchant, "create", key, fingerprint, paymentId, DateTimeOffset.UtcNow);
}
