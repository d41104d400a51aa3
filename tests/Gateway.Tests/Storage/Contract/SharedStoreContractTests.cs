using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Money;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>
/// What several instances on one store rely on: leases, shared locks, exclusive webhook claims, bank credits recorded once.
/// On PostgreSQL each check runs with two instances (their own pools); SQLite, one process by design, runs it with one.
/// </summary>
public sealed class SharedStoreContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public static TheoryData<string> Providers => TestStores.Providers;

    private static async Task<TestStores[]> InstancesAsync(TestStores stores) =>
        stores.Provider == TestStores.Postgres ? [stores, await stores.AnotherInstanceAsync()] : [stores];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WorkerLease_IsHeldByOneInstance_RenewedByIt_AndTakenOverOnceItLapses(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var lease = TimeSpan.FromSeconds(30);
        Assert.True(await stores.Leases.TryHoldAsync("recovery", lease, CancellationToken.None));
        Assert.True(await stores.Leases.TryHoldAsync("recovery", lease, CancellationToken.None)); // renewed by its holder
        if (provider != TestStores.Postgres)
        {
            _clock.Advance(lease + TimeSpan.FromSeconds(1));
            Assert.True(await stores.Leases.TryHoldAsync("recovery", lease, CancellationToken.None));
            return;
        }
        // Times are the database's: a short lease, really waited out (the other instance is opened first, so that its start
        // does not use up the lease on a busy machine).
        var other = await stores.AnotherInstanceAsync();
        var shortLease = TimeSpan.FromSeconds(2);
        Assert.True(await stores.Leases.TryHoldAsync("recovery", shortLease, CancellationToken.None));
        Assert.False(await other.Leases.TryHoldAsync("recovery", shortLease, CancellationToken.None));
        Assert.True(await other.Leases.TryHoldAsync("bank-statements", lease, CancellationToken.None)); // another worker's lease is free

        await Task.Delay(shortLease + TimeSpan.FromMilliseconds(300)); // the holder died: nobody renewed it
        Assert.True(await other.Leases.TryHoldAsync("recovery", lease, CancellationToken.None));
        Assert.False(await stores.Leases.TryHoldAsync("recovery", lease, CancellationToken.None));

        // A graceful stop gives the lease up: the other instance takes it at once, not a lease later.
        await stores.Leases.ReleaseAsync("recovery", CancellationToken.None); // not its lease: nothing happens
        Assert.False(await stores.Leases.TryHoldAsync("recovery", lease, CancellationToken.None));
        await other.Leases.ReleaseAsync("recovery", CancellationToken.None);
        Assert.True(await stores.Leases.TryHoldAsync("recovery", lease, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SharedLock_LetsOneHolderInAtATime_AcrossInstances(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = await InstancesAsync(stores);
        var inside = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var held = await instances[i % instances.Length].Locks.AcquireAsync("credit:banktransfer:E1", CancellationToken.None);
            most = Math.Max(most, Interlocked.Increment(ref inside));
            await Task.Delay(20);
            Interlocked.Decrement(ref inside);
        }));
        Assert.Equal(1, most);
        // Another key is not held up by it.
        await using var first = await instances[0].Locks.AcquireAsync("a", CancellationToken.None);
        await using var second = await instances[^1].Locks.AcquireAsync("b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WebhookDeliveries_AreClaimedByOneInstance_OldestOfAPaymentFirst_AndDueAgainWhenTheLeaseLapses(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = await InstancesAsync(stores);
        var now = _clock.GetUtcNow();
        var endpoint = new WebhookEndpoint("we_1", TestPayments.Merchant, "https://merchant.example/hook", "", [], WebhookEndpointState.Enabled, now);
        await stores.Webhooks.InsertEndpointAsync(endpoint, "sealed", AuditEntry.New(now, "test", "webhook_endpoint.created", endpoint.Id, TestPayments.Merchant, ""), CancellationToken.None);
        var payments = Enumerable.Range(0, 10).Select(_ => TestPayments.New(_clock)).ToList();
        foreach (var payment in payments)
        {
            await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            Assert.True(await stores.Payments.TryUpdateAsync(payment, 1, PaymentEventTypes.Succeeded, null, CancellationToken.None));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            instances[i % instances.Length].Webhooks.ClaimDueAsync(now, now.AddMinutes(1), 4, CancellationToken.None)));
        var claimed = claims.SelectMany(c => c).ToList();
        // Each payment's first event once, nobody's second (it waits for the first), whoever claimed.
        Assert.Equal(payments.Count, claimed.Count);
        Assert.Equal(payments.Select(p => p.Id).Order(), claimed.Select(d => d.Event.PaymentId).Order());
        Assert.All(claimed, d => Assert.Equal(PaymentEventTypes.Created, d.Event.Type));
        Assert.Empty(await instances[^1].Webhooks.ClaimDueAsync(now, now.AddMinutes(1), 100, CancellationToken.None));

        // The claimer died mid-send: after its lease the same deliveries are due again.
        var later = now.AddMinutes(2);
        Assert.Equal(claimed.Select(d => d.Id).Order(), (await instances[^1].Webhooks.ClaimDueAsync(later, later.AddMinutes(1), 100, CancellationToken.None)).Select(d => d.Id).Order());
        // Delivered: the payment's next event is due.
        var first = claimed[0];
        await stores.Webhooks.RecordAttemptAsync(first.Id, new WebhookAttempt(1, later, 200, "", 5), WebhookDeliveryState.Delivered, later, CancellationToken.None);
        var next = await stores.Webhooks.ClaimDueAsync(later.AddMinutes(5), later.AddMinutes(6), 100, CancellationToken.None);
        Assert.Contains(next, d => d.Event.PaymentId == first.Event.PaymentId && d.Event.Type == PaymentEventTypes.Succeeded);
        var history = await stores.Webhooks.ListDeliveriesAsync(TestPayments.Merchant, null, first.Event.PaymentId, null, 10, CancellationToken.None);
        Assert.Equal([WebhookDeliveryState.Pending, WebhookDeliveryState.Delivered], history.Select(d => d.State));
        Assert.Equal(200, history[1].Attempts.Single().HttpStatus);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task BankCredit_ReportedToTwoInstancesAtOnce_IsRecordedOnce(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = await InstancesAsync(stores);
        var credit = new BankCredit("E-1", new Money(50_000, Currency.CNY), "PG123", "PG123", null, [], new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26), "Payer", "6217");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            instances[i % instances.Length].Credits.AddOrGetAsync("banktransfer", credit, "camt.054", _clock.GetUtcNow(), CancellationToken.None)));

        Assert.Single(answers, a => a is null); // one instance recorded it; the others found it
        Assert.All(answers.Where(a => a is not null), a => Assert.Equal((50_000L, "PG123"), (a!.AmountMinor, a.Reference)));
        await stores.Credits.SettleAsync("banktransfer", "E-1", BankCreditState.Matched, "pay_1", "matched", null, CancellationToken.None);
        Assert.Equal("E-1", (await instances[^1].Credits.MatchedForAsync("pay_1", CancellationToken.None))?.AccountServicerReference);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SameRequestIdOnTwoInstancesAtOnce_OnePaymentIsSaved(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = await InstancesAsync(stores);
        var tries = Enumerable.Range(0, 6).Select(_ => TestPayments.New(_clock)).ToList();

        var outcomes = await Task.WhenAll(tries.Select(async (payment, i) =>
        {
            try
            {
                await instances[i % instances.Length].Payments.InsertAsync(payment, PaymentEventTypes.Created,
                    new IdempotencyRecord(TestPayments.Merchant, "create", "order-42", "f", payment.Id, _clock.GetUtcNow()), CancellationToken.None);
                return payment.Id;
            }
            catch (IdempotencyKeyTakenException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, (await stores.Payments.FindIdempotencyAsync(TestPayments.Merchant, "create", "order-42", CancellationToken.None))!.PaymentId);
        Assert.Single(await stores.Payments.ListAsync(TestPayments.Merchant, null, null, 10, CancellationToken.None));
    }
}
