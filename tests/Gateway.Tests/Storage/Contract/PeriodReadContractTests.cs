using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>The period read that bills and reports walk (<see cref="IPaymentStore.ListCreatedBetweenAsync"/>), on SQLite and PostgreSQL.</summary>
public sealed class PeriodReadContractTests
{
    private const string OtherMerchant = "mch_01JOTHERMERCHANT000000000";
    private static readonly DateTimeOffset Start = new(2026, 10, 31, 16, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start.AddHours(-1));

    public static TheoryData<string> Providers => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListAndCountCreatedBetween_Group_GiveOnlyTheGroupsPaymentsOfTheMerchantInThePeriod_OldestFirst(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var before = await InsertAsync(stores, "grp_acme");                 // an hour before the period
        _clock.Advance(TimeSpan.FromHours(1));
        var first = await InsertAsync(stores, "grp_acme");                  // at its start (inclusive)
        _clock.Advance(TimeSpan.FromMinutes(1));
        await InsertAsync(stores, "grp_other");                             // another group
        await InsertAsync(stores, null);                                    // no group
        await InsertAsync(stores, "grp_acme", OtherMerchant);               // the same group id, another merchant
        var second = await InsertAsync(stores, "grp_acme");
        _clock.Advance(TimeSpan.FromDays(30));
        await InsertAsync(stores, "grp_acme");                              // at the period's end (exclusive)

        var found = await stores.Payments.ListCreatedBetweenAsync(TestPayments.Merchant, "grp_acme", Start, Start.AddDays(30).AddMinutes(1), null, 10, CancellationToken.None);

        Assert.Equal([first.Id, second.Id], found.Select(p => p.Id));
        Assert.Equal("OPS-01", found[0].Group!.DepartmentCode);
        Assert.DoesNotContain(before.Id, found.Select(p => p.Id));
        Assert.Equal(2, await stores.Payments.CountCreatedBetweenAsync(TestPayments.Merchant, "grp_acme", Start, Start.AddDays(30).AddMinutes(1), CancellationToken.None));
        Assert.Equal(4, await stores.Payments.CountCreatedBetweenAsync(TestPayments.Merchant, null, Start, Start.AddDays(30).AddMinutes(1), CancellationToken.None));
        Assert.Equal(0, await stores.Payments.CountCreatedBetweenAsync("mch_01JNOBODY00000000000000000", "grp_acme", Start, Start.AddDays(31), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListCreatedBetween_PagedByKeyset_GivesEveryPaymentOnce_EvenWithEqualCreationTimes(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        _clock.Advance(TimeSpan.FromHours(1));
        var inserted = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            inserted.Add((await InsertAsync(stores, "grp_acme")).Id);      // all at the same millisecond
        }
        _clock.Advance(TimeSpan.FromSeconds(1));
        inserted.Add((await InsertAsync(stores, null)).Id);

        var read = new List<string>();
        PageCursor? after = null;
        while (true)
        {
            var page = await stores.Payments.ListCreatedBetweenAsync(TestPayments.Merchant, null, Start, Start.AddDays(1), after, 3, CancellationToken.None);
            read.AddRange(page.Select(p => p.Id));
            if (page.Count < 3)
            {
                break;
            }
            after = new PageCursor(page[^1].CreateTime, page[^1].Id);
        }

        Assert.Equal(inserted.Take(7).Order(StringComparer.Ordinal).Append(inserted[^1]), read);
    }

    private async Task<Payment> InsertAsync(TestStores stores, string? group, string merchant = TestPayments.Merchant)
    {
        var payment = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded, merchantId: merchant,
            customer: new CustomerInfo("enterprise", "CN", "enterprise", Account: group is null ? null : "acc_ops", Project: "p1"));
        payment.Group = group is null ? null : new GroupBooking(group, "acc_ops", "OPS-01");
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        return payment;
    }
}
