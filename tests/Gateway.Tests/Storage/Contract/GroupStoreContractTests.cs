using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>
/// Groups on both stores: booked payments held against their budget in their own write, one at a time (concurrent ones never pass
/// the last of a budget, across instances on PostgreSQL), holds counting by their payment's state, unique department codes, budget changes saved once per version and
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

    private Payment Booked(SubAccount account, long amount, PaymentState state = PaymentState.Processing)
    {
        var payment = TestPayments.New(_clock, state, amount: amount);
        payment.Group = new GroupBooking(account.GroupId, account.Id, account.DepartmentCode);
        return payment;
    }

    private static Task InsertAsync(IPaymentStore store, Payment payment) =>
        store.InsertAsync(payment, new PaymentChange(PaymentEventTypes.Created), null, CancellationToken.None);

    private string Period => BudgetPeriod.Of(_clock.GetUtcNow());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task InsertBooked_ManyAtOnce_NeverPassTheLastOfTheBudget_AndARefusedOneWritesNothing(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 5_000);
        // On PostgreSQL half the payments come from a second instance (its own pool): the lock is the database's, not a process's.
        var other = provider == TestStores.Postgres ? (await stores.AnotherInstanceAsync()).Payments : stores.Payments;
        var payments = Enumerable.Range(0, 24).Select(_ => Booked(account, 1_000)).ToArray();

        var results = await Task.WhenAll(payments.Select((p, i) => Task.Run(async () =>
        {
            try
            {
                await InsertAsync(i % 2 == 0 ? stores.Payments : other, p);
                return (long?)null;
            }
            catch (BudgetExceededException over)
            {
                return long.Parse(over.ToPaymentException().Metadata["used_minor"], System.Globalization.CultureInfo.InvariantCulture);
            }
        })));

        Assert.Equal(5, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), used => Assert.Equal(5_000, used));
        Assert.Equal(5_000, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));
        var refused = payments.Where((_, i) => results[i] is not null).ToList();
        foreach (var payment in refused)
        {
            Assert.Null(await stores.Payments.GetAsync(payment.Id, CancellationToken.None));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Holds_CountWhileTheirPaymentIsInFlightWaitingOrPaid_NotOnceItFailedCanceledOrExpired(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 1_111);
        long expected = 0;
        foreach (var (state, amount, counts) in new[]
        {
            (PaymentState.Processing, 1L, true), (PaymentState.RequiresAction, 10L, true), (PaymentState.Succeeded, 100L, true),
            (PaymentState.AwaitingApproval, 1_000L, true), (PaymentState.Failed, 10_000L, false), (PaymentState.Canceled, 20_000L, false),
            (PaymentState.Expired, 40_000L, false),
        })
        {
            // A payment written in a state that does not count (risk control's FAILED) is not checked against the budget either.
            await InsertAsync(stores.Payments, Booked(account, amount, state));
            expected += counts ? amount : 0;
        }
        Assert.Equal(1_111, expected);
        Assert.Equal(expected, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));
        await Assert.ThrowsAsync<BudgetExceededException>(() => InsertAsync(stores.Payments, Booked(account, 1)));

        // A payment that ends gives its budget back with the write that ends it.
        var waiting = (await stores.Groups.ListAwaitingApprovalAsync(account.GroupId, 10, CancellationToken.None)).Single();
        var payment = (await stores.Payments.GetAsync(waiting, CancellationToken.None))!;
        payment.State = PaymentState.Expired;
        Assert.True(await stores.Payments.TryUpdateAsync(payment, payment.Version, new PaymentChange(PaymentEventTypes.Expired), null, CancellationToken.None));
        Assert.Equal(111, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));
        await InsertAsync(stores.Payments, Booked(account, 1_000));
        Assert.Equal(0, await stores.Groups.UsedAsync(account.Id, "2026-12", CancellationToken.None));
    }

    private static Task<bool> MoveAsync(IPaymentStore store, Payment payment, PaymentState to)
    {
        payment.State = to;
        return store.TryUpdateAsync(payment, payment.Version, new PaymentChange(PaymentEventTypes.Retried), null, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UpdateBooked_CountingAgainFromFailed_IsCheckedInItsWrite_AndOverBudgetWritesNothing(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 5_000);
        var failed = Booked(account, 3_000, PaymentState.Failed);
        await InsertAsync(stores.Payments, failed);
        var big = Booked(account, 4_500);
        await InsertAsync(stores.Payments, big);

        // Paid again (PROCESSING) or challenged on paying again (REQUIRES_ACTION): it would count again, and 4,500 + 3,000 > 5,000.
        foreach (var to in new[] { PaymentState.Processing, PaymentState.RequiresAction })
        {
            var payment = (await stores.Payments.GetAsync(failed.Id, CancellationToken.None))!;
            var over = await Assert.ThrowsAsync<BudgetExceededException>(() => MoveAsync(stores.Payments, payment, to));
            Assert.Equal("4500", over.ToPaymentException().Metadata["used_minor"]);
            var unchanged = (await stores.Payments.GetAsync(failed.Id, CancellationToken.None))!;
            Assert.Equal((PaymentState.Failed, 1L), (unchanged.State, unchanged.Version));
        }
        Assert.Equal(4_500, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));

        // Once the other one failed, it fits: checked against what else counts, not against its own hold as well (3,000 twice would not).
        Assert.True(await MoveAsync(stores.Payments, big, PaymentState.Failed));
        var again = (await stores.Payments.GetAsync(failed.Id, CancellationToken.None))!;
        Assert.True(await MoveAsync(stores.Payments, again, PaymentState.Processing));
        Assert.Equal(3_000, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));

        // A late success of a failed payment is the channel's fact (the money is taken): recorded and counted, whatever the budget.
        Assert.True(await MoveAsync(stores.Payments, big, PaymentState.Succeeded));
        Assert.Equal(7_500, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UpdateBooked_ManyPaidAgainAtOnce_NeverPassTheLastOfTheBudget(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var account = await AccountAsync(stores.Groups, budget: 3_000);
        var other = provider == TestStores.Postgres ? (await stores.AnotherInstanceAsync()).Payments : stores.Payments;
        var payments = Enumerable.Range(0, 12).Select(_ => Booked(account, 1_000, PaymentState.Failed)).ToArray();
        foreach (var payment in payments)
        {
            await InsertAsync(stores.Payments, payment);
        }

        var results = await Task.WhenAll(payments.Select((p, i) => Task.Run(async () =>
        {
            try
            {
                return await MoveAsync(i % 2 == 0 ? stores.Payments : other, p, PaymentState.Processing);
            }
            catch (BudgetExceededException)
            {
                return false;
            }
        })));

        Assert.Equal(3, results.Count(r => r));
        Assert.Equal(3_000, await stores.Groups.UsedAsync(account.Id, Period, CancellationToken.None));
        foreach (var (payment, saved) in payments.Zip(results))
        {
            Assert.Equal(saved ? PaymentState.Processing : PaymentState.Failed, (await stores.Payments.GetAsync(payment.Id, CancellationToken.None))!.State);
        }
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
