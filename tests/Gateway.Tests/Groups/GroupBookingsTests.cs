using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Tests.Storage.Contract;

namespace Paygate.Gateway.Tests.Groups;

/// <summary>A payment's booking to its sub-account on creation: whose it must be, which currency, the approval decided.</summary>
public sealed class GroupBookingsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    private async Task<SubAccount> AccountAsync(IGroupStore store, long budget, long threshold, params string[] approvers)
    {
        var group = new Group(GroupIds.NewGroupId(_clock), TestPayments.Merchant, "ACME", _clock.GetUtcNow());
        var audit = AuditEntry.New(_clock.GetUtcNow(), "key_test", "test", "target", TestPayments.Merchant);
        await store.InsertGroupAsync(group, audit, CancellationToken.None);
        var account = new SubAccount(GroupIds.NewAccountId(_clock), group.Id, TestPayments.Merchant, "FIN", "Finance", "CNY", budget, threshold, approvers, _clock.GetUtcNow());
        await store.TryInsertAccountAsync(account, audit, CancellationToken.None);
        return account;
    }

    private static CreatePaymentCommand Command(string accountId, long amount, Currency? currency = null, PaymentCard? card = null) =>
        new(null, new Money(amount, currency ?? Currency.CNY), "Cloud server", new CustomerInfo("enterprise", "CN", "pc", Account: accountId), null, null,
            new Dictionary<string, string>(), card);

    private static async Task<ErrorCode> RefusedAsync(Func<Task> act) => (await Assert.ThrowsAsync<PaymentException>(act)).Code;

    [Fact]
    public async Task Book_AboveTheThreshold_WaitsForTheApproversInOrder_AtOrBelowIt_DoesNot()
    {
        await using var stores = await TestStores.OpenAsync(TestStores.Sqlite, _clock);
        var account = await AccountAsync(stores.Groups, budget: 10_000, threshold: 5_000, "mem_a", "mem_b");
        var bookings = new GroupBookings(stores.Groups);

        var small = await bookings.BookAsync(TestPayments.Merchant, Command(account.Id, 5_000), CancellationToken.None);
        var large = await bookings.BookAsync(TestPayments.Merchant, Command(account.Id, 5_001), CancellationToken.None);

        Assert.Equal(new GroupBooking(account.GroupId, account.Id, "FIN"), small.Group);
        Assert.Null(small.Approval);
        Assert.Equal(["mem_a", "mem_b"], large.Approval!.Steps.Select(s => s.Approver));
        Assert.All(large.Approval.Steps, s => Assert.Null(s.Decision));
    }

    [Fact]
    public async Task Book_AnotherMerchantsAccount_OtherCurrency_CardNeedingApproval_Refused()
    {
        await using var stores = await TestStores.OpenAsync(TestStores.Sqlite, _clock);
        var account = await AccountAsync(stores.Groups, budget: 0, threshold: 5_000, "mem_a");
        var bookings = new GroupBookings(stores.Groups);
        var card = new PaymentCard("4242424242424242", 12, 2031, "123", null);

        Assert.Equal(ErrorCatalogue.SubAccountNotFound, await RefusedAsync(() => bookings.BookAsync("mch_01JOTHERMERCHANT000000000", Command(account.Id, 100), CancellationToken.None)));
        Assert.Equal(ErrorCatalogue.SubAccountNotFound, await RefusedAsync(() => bookings.BookAsync(TestPayments.Merchant, Command("acc_missing", 100), CancellationToken.None)));
        Assert.Equal(ErrorCatalogue.BudgetCurrencyDiffers, await RefusedAsync(() => bookings.BookAsync(TestPayments.Merchant, Command(account.Id, 100, Currency.USD), CancellationToken.None)));
        Assert.Equal(ErrorCatalogue.ApprovalNeedsNoCard, await RefusedAsync(() => bookings.BookAsync(TestPayments.Merchant, Command(account.Id, 6_000, card: card), CancellationToken.None)));
        Assert.Null((await bookings.BookAsync(TestPayments.Merchant, Command(account.Id, 5_000, card: card), CancellationToken.None)).Approval);
    }
}
