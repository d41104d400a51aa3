using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>
/// Groups on both stores: budget holds decided one at a time (concurrent holds never pass the last of a budget, across instances
/// on PostgreSQL), holds counting by their payment's state, unique department codes, budget changes saved once per version and
/// applied with their last approval.
/// </summary>
public sealed class GroupStoreContractTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    public static TheoryData<string> Providers => TestStores.Providers;

    private AuditEntry Audit(string action) => AuditEntry.New(_clock.GetUtcNow(), "key_test", action, "target", TestPayments.Merchant);

    private async Task<SubAccount> AccountAsync(IGroupStore store, long budget = 5_000, string code = "FIN")
    {
        var group = new Group(GroupIds.NewGroupId(_clock), TestPayments.Merchant, "ACME", _clock.GetUtcNow());
        await store.InsertGroupAsync(group, Audit("group.created"), CancellationToken.None);
        var account = new SubAccount(GroupIds.NewAccountId(_clock), group.Id, TestPayments.Merchant, code, "Finance", "CNY", budget, 0, [], _clock.GetUtcNow());
        Assert.True(await store.TryInsertAccountAsync(account, Audit("group_account.created"), CancellationToken.None));
        return account;
    }

    private BudgetHold Hold(SubAccount account, long amount, string? paymentId = null) =>
        new(paymentId ?? PaymentIds.NewPaymentId(_clock), account.Id, BudgetPeriod.Of(_clock.GetUtcNow()), amount, _clock.GetUtcNow());

    private DateTimeOffset Unwritten => _clock.GetUtcNow() - GroupBookings.UnwrittenHoldCounts;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryHold_ManyAtOnce_NeverPassTheLastOfTheBudget(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 5_000);
        // On PostgreSQL half the holds come from a second instance (its own pool): the lock is the database's, not a process's.
        var other = provider == TestStores.Postgres ? (await stores.AnotherInstanceAsync()).Groups : stores.Groups;

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            (i % 2 == 0 ? stores.Groups : other).TryHoldAsync(Hold(account, 1_000), 5_000, Unwritten, CancellationToken.None))));

        Assert.Equal(5, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), used => Assert.Equal(5_000, used));
        Assert.Equal(5_000, await stores.Groups.UsedAsync(account.Id, BudgetPeriod.Of(_clock.GetUtcNow()), Unwritten, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Holds_CountWhileTheirPaymentIsInFlightWaitingOrPaid_NotOnceItFailedCanceledOrExpired(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 100_000);
        var period = BudgetPeriod.Of(_clock.GetUtcNow());
        long expected = 0;
        foreach (var (state, amount, counts) in new[]
        {
            (PaymentState.Processing, 1L, true), (PaymentState.RequiresAction, 10L, true), (PaymentState.Succeeded, 100L, true),
            (PaymentState.AwaitingApproval, 1_000L, true), (PaymentState.Failed, 10_000L, false), (PaymentState.Canceled, 20_000L, false),
            (PaymentState.Expired, 40_000L, false),
        })
        {
            var payment = TestPayments.New(_clock, state, amount: amount);
            payment.Group = new GroupBooking(account.GroupId, account.Id, account.DepartmentCode);
            Assert.Null(await stores.Groups.TryHoldAsync(Hold(account, amount, payment.Id), 100_000, Unwritten, CancellationToken.None));
            await stores.Payments.InsertAsync(payment, new PaymentChange(PaymentEventTypes.Created), null, CancellationToken.None);
            expected += counts ? amount : 0;
        }
        Assert.Equal(expected, await stores.Groups.UsedAsync(account.Id, period, Unwritten, CancellationToken.None));

        // A hold whose payment was never written counts for a while, then not; a released one not at all.
        var unwritten = Hold(account, 7);
        await stores.Groups.TryHoldAsync(unwritten, 100_000, Unwritten, CancellationToken.None);
        Assert.Equal(expected + 7, await stores.Groups.UsedAsync(account.Id, period, Unwritten, CancellationToken.None));
        _clock.Advance(GroupBookings.UnwrittenHoldCounts + TimeSpan.FromSeconds(1));
        Assert.Equal(expected, await stores.Groups.UsedAsync(account.Id, period, Unwritten, CancellationToken.None));
        var released = Hold(account, 3);
        await stores.Groups.TryHoldAsync(released, 100_000, Unwritten, CancellationToken.None);
        await stores.Groups.ReleaseHoldAsync(released.PaymentId, CancellationToken.None);
        Assert.Equal(expected, await stores.Groups.UsedAsync(account.Id, period, Unwritten, CancellationToken.None));
        Assert.Equal(0, await stores.Groups.UsedAsync(account.Id, "2026-12", Unwritten, CancellationToken.None));

        // The payments waiting for approval are listed for their group.
        Assert.Single(await stores.Groups.ListAwaitingApprovalAsync(account.GroupId, 10, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Accounts_DepartmentCodeUniqueInItsGroup_ListedInIdOrder(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var first = await AccountAsync(stores.Groups);
        var twin = first with { Id = GroupIds.NewAccountId(_clock) };
        Assert.False(await stores.Groups.TryInsertAccountAsync(twin, Audit("group_account.created"), CancellationToken.None));
        Assert.Null(await stores.Groups.GetAccountAsync(twin.Id, CancellationToken.None));
        var second = first with { Id = GroupIds.NewAccountId(_clock), DepartmentCode = "OPS", Approvers = ["mem_1", "mem_2"] };
        Assert.True(await stores.Groups.TryInsertAccountAsync(second, Audit("group_account.created"), CancellationToken.None));

        // Ids made in the same millisecond differ in their random part: the listing follows the ids, whichever came first.
        var ordered = new[] { first, second }.OrderBy(a => a.Id, StringComparer.Ordinal).ToArray();
        var page = await stores.Groups.ListAccountsAsync(first.GroupId, null, 1, CancellationToken.None);
        Assert.Equal(ordered[0].Id, Assert.Single(page).Id);
        var next = await stores.Groups.ListAccountsAsync(first.GroupId, ordered[0].Id, 10, CancellationToken.None);
        Assert.Equal(ordered[1].Approvers, Assert.Single(next).Approvers);
        Assert.Equal(["mem_1", "mem_2"], (await stores.Groups.GetAccountAsync(second.Id, CancellationToken.None))!.Approvers);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task BudgetChange_SavedOncePerVersion_AndAppliedWithItsLastApproval(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 5_000);
        var change = new BudgetChange
        {
            Id = GroupIds.NewBudgetChangeId(_clock),
            AccountId = account.Id,
            GroupId = account.GroupId,
            MerchantId = account.MerchantId,
            BudgetMinor = 9_000,
            ApprovalThresholdMinor = 100,
            RequestedBy = "mem_1",
            State = BudgetChangeState.Pending,
            Steps = [new ApprovalStep("mem_1")],
            CreateTime = _clock.GetUtcNow(),
        };
        await stores.Groups.InsertBudgetChangeAsync(change, Audit("budget_change.requested"), CancellationToken.None);
        var read = await stores.Groups.GetBudgetChangeAsync(change.Id, CancellationToken.None);
        Assert.Equal(1, read!.Version);
        Assert.Single(await stores.Groups.ListPendingBudgetChangesAsync(account.GroupId, 10, CancellationToken.None));

        var applied = read with { State = BudgetChangeState.Applied, Steps = [new ApprovalStep("mem_1", ApprovalDecision.Approved, _clock.GetUtcNow())] };
        Assert.True(await stores.Groups.TryUpdateBudgetChangeAsync(applied, 1, Audit("budget_change.decided"), CancellationToken.None));
        Assert.False(await stores.Groups.TryUpdateBudgetChangeAsync(applied with { State = BudgetChangeState.Rejected }, 1, Audit("budget_change.decided"), CancellationToken.None));

        var saved = await stores.Groups.GetBudgetChangeAsync(change.Id, CancellationToken.None);
        Assert.Equal((BudgetChangeState.Applied, 2L, ApprovalDecision.Approved), (saved!.State, saved.Version, saved.Steps[0].Decision));
        var changed = await stores.Groups.GetAccountAsync(account.Id, CancellationToken.None);
        Assert.Equal((9_000L, 100L), (changed!.BudgetMinor, changed.ApprovalThresholdMinor));
        Assert.Empty(await stores.Groups.ListPendingBudgetChangesAsync(account.GroupId, 10, CancellationToken.None));
    }
}
