using Paygate.Adapters.Errors;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>
/// Groups, members, sub-accounts and budget changes of one merchant. Everything is scoped to the caller's merchant: another
/// merchant's group, member, sub-account or change is not found, exactly as one that does not exist. Every write is audited
/// with the caller's key as the actor (and the member who acted in its detail).
/// </summary>
public sealed class GroupAdministration(IGroupStore store, TimeProvider clock)
{
    public const string GroupCreated = "group.created";
    public const string MemberAdded = "group_member.created";
    public const string AccountCreated = "group_account.created";
    public const string BudgetChangeRequested = "budget_change.requested";
    public const string BudgetChangeDecided = "budget_change.decided";

    public async Task<Group> CreateGroupAsync(Caller caller, string displayName, CancellationToken cancellationToken)
    {
        var group = new Group(GroupIds.NewGroupId(clock), caller.Merchant, displayName, clock.GetUtcNow());
        await store.InsertGroupAsync(group, AuditEntry.New(group.CreateTime, caller.KeyId, GroupCreated, group.Id, caller.Merchant), cancellationToken);
        return group;
    }

    public async Task<Group> GetGroupAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        await store.GetGroupAsync(id, cancellationToken) is { } group && group.MerchantId == merchantId
            ? group
            : throw new PaymentException(ErrorCatalogue.GroupNotFound, $"no group has id {id}", metadata: new Dictionary<string, string> { ["group_id"] = id });

    public async Task<GroupMember> AddMemberAsync(Caller caller, string groupId, string displayName, MemberRole role, CancellationToken cancellationToken)
    {
        var group = await GetGroupAsync(caller.Merchant, groupId, cancellationToken);
        var member = new GroupMember(GroupIds.NewMemberId(clock), group.Id, displayName, role, clock.GetUtcNow());
        await store.InsertMemberAsync(member, AuditEntry.New(member.CreateTime, caller.KeyId, MemberAdded, member.Id, caller.Merchant, $"group={group.Id} role={role}"),
            cancellationToken);
        return member;
    }

    /// <summary>A member of one of the merchant's groups (of <paramref name="groupId"/> when given); NOT_FOUND otherwise.</summary>
    public async Task<GroupMember> GetMemberAsync(string merchantId, string id, string? groupId, CancellationToken cancellationToken)
    {
        if (await store.GetMemberAsync(id, cancellationToken) is { } member && (groupId is null || member.GroupId == groupId)
            && await store.GetGroupAsync(member.GroupId, cancellationToken) is { } group && group.MerchantId == merchantId)
        {
            return member;
        }
        throw new PaymentException(ErrorCatalogue.GroupMemberNotFound, $"no member of the group has id {id}", metadata: new Dictionary<string, string> { ["member_id"] = id });
    }

    /// <summary>
    /// Creates a sub-account; its approvers must be members of its group who may approve, each once. ALREADY_EXISTS when the
    /// department code is taken in the group.
    /// </summary>
    public async Task<SubAccount> CreateAccountAsync(Caller caller, SubAccount draft, CancellationToken cancellationToken)
    {
        var group = await GetGroupAsync(caller.Merchant, draft.GroupId, cancellationToken);
        for (var i = 0; i < draft.Approvers.Count; i++)
        {
            var member = await GetMemberAsync(caller.Merchant, draft.Approvers[i], group.Id, cancellationToken);
            if (!member.MayApprove)
            {
                throw PaymentException.InvalidField($"approvers[{i}]", $"member {member.Id} is a {member.Role.ToString().ToUpperInvariant()}: only an APPROVER or ADMIN may approve");
            }
        }
        var account = draft with { Id = GroupIds.NewAccountId(clock), MerchantId = caller.Merchant, CreateTime = clock.GetUtcNow() };
        var audit = AuditEntry.New(account.CreateTime, caller.KeyId, AccountCreated, account.Id, caller.Merchant,
            $"group={group.Id} department={account.DepartmentCode} budget={account.BudgetMinor} {account.BudgetCurrency} threshold={account.ApprovalThresholdMinor}");
        return await store.TryInsertAccountAsync(account, audit, cancellationToken)
            ? account
            : throw new PaymentException(ErrorCatalogue.DepartmentCodeTaken, $"group {group.Id} has a sub-account with department code {account.DepartmentCode}",
                metadata: new Dictionary<string, string> { ["group_id"] = group.Id, ["department_code"] = account.DepartmentCode });
    }

    public async Task<SubAccount> GetAccountAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        await store.GetAccountAsync(id, cancellationToken) is { } account && account.MerchantId == merchantId
            ? account
            : throw new PaymentException(ErrorCatalogue.SubAccountNotFound, $"no sub-account has id {id}", metadata: new Dictionary<string, string> { ["account_id"] = id });

    /// <summary>What counts against the sub-account's budget this month.</summary>
    public Task<long> UsedThisMonthAsync(SubAccount account, CancellationToken cancellationToken)
    {
        return store.UsedAsync(account.Id, BudgetPeriod.Of(clock.GetUtcNow()), cancellationToken);
    }

    public async Task<IReadOnlyList<SubAccount>> ListAccountsAsync(string merchantId, string groupId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var group = await GetGroupAsync(merchantId, groupId, cancellationToken);
        return await store.ListAccountsAsync(group.Id, afterId, limit, cancellationToken);
    }

    /// <summary>
    /// Asks for a new budget and threshold: pending for the sub-account's approvers in order, or applied at once when it has none.
    /// The member asking must be of the sub-account's group.
    /// </summary>
    public async Task<BudgetChange> RequestBudgetChangeAsync(Caller caller, string accountId, string memberId, long budgetMinor, long thresholdMinor,
        CancellationToken cancellationToken)
    {
        var account = await GetAccountAsync(caller.Merchant, accountId, cancellationToken);
        await GetMemberAsync(caller.Merchant, memberId, account.GroupId, cancellationToken);
        var steps = ApprovalSteps.For(account);
        var change = new BudgetChange
        {
            Id = GroupIds.NewBudgetChangeId(clock),
            AccountId = account.Id,
            GroupId = account.GroupId,
            MerchantId = caller.Merchant,
            BudgetMinor = budgetMinor,
            ApprovalThresholdMinor = thresholdMinor,
            RequestedBy = memberId,
            State = steps.Count == 0 ? BudgetChangeState.Applied : BudgetChangeState.Pending,
            Steps = steps,
            CreateTime = clock.GetUtcNow(),
            Version = 1,
        };
        await store.InsertBudgetChangeAsync(change, AuditEntry.New(change.CreateTime, caller.KeyId, BudgetChangeRequested, change.Id, caller.Merchant,
            $"account={account.Id} by={memberId} budget={account.BudgetMinor}->{budgetMinor} threshold={account.ApprovalThresholdMinor}->{thresholdMinor} state={change.State}"),
            cancellationToken);
        return change;
    }

    public async Task<BudgetChange> GetBudgetChangeAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        await store.GetBudgetChangeAsync(id, cancellationToken) is { } change && change.MerchantId == merchantId
            ? change
            : throw new PaymentException(ErrorCatalogue.BudgetChangeNotFound, $"no budget change has id {id}", metadata: new Dictionary<string, string> { ["budget_change_id"] = id });

    /// <summary>
    /// <paramref name="memberId"/> decides their step of a pending budget change; the last approval applies it to the sub-account in
    /// the same write. Refusals (not an approver, twice, out of order, no longer pending) change nothing.
    /// </summary>
    public async Task<BudgetChange> DecideBudgetChangeAsync(Caller caller, string id, string memberId, ApprovalDecision decision, string? reason,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var change = await GetBudgetChangeAsync(caller.Merchant, id, cancellationToken);
            if (change.State != BudgetChangeState.Pending)
            {
                throw ApprovalSteps.NotPending($"budget change {id}", $"is {change.State.ToString().ToUpperInvariant()}");
            }
            var now = clock.GetUtcNow();
            var steps = ApprovalSteps.Decide(change.Steps, memberId, decision, reason, now, $"budget change {id}");
            var state = decision == ApprovalDecision.Rejected ? BudgetChangeState.Rejected
                : ApprovalSteps.AllApproved(steps) ? BudgetChangeState.Applied : BudgetChangeState.Pending;
            var decided = change with { Steps = steps, State = state };
            var audit = AuditEntry.New(now, caller.KeyId, BudgetChangeDecided, id, caller.Merchant, $"account={change.AccountId} by={memberId} decision={decision} state={state}");
            if (await store.TryUpdateBudgetChangeAsync(decided, change.Version, audit, cancellationToken))
            {
                return decided with { Version = change.Version + 1 };
            }
            // Another decision was saved meanwhile: decide again on what it left (it may make this one a refusal).
        }
    }

    /// <summary>What waits for approval in a group: payment ids and pending budget changes, oldest first.</summary>
    public async Task<(IReadOnlyList<string> Payments, IReadOnlyList<BudgetChange> Changes)> PendingAsync(string merchantId, string groupId, int limit,
        CancellationToken cancellationToken)
    {
        var group = await GetGroupAsync(merchantId, groupId, cancellationToken);
        return (await store.ListAwaitingApprovalAsync(group.Id, limit, cancellationToken), await store.ListPendingBudgetChangesAsync(group.Id, limit, cancellationToken));
    }
}
