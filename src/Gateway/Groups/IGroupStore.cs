using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Groups;

/// <summary>
/// The durable home of groups, members, sub-accounts and budget changes (a payment's budget hold is written by the payment store
/// with the payment: <see cref="BudgetHold"/>), in the payments' database (SQLite or
/// PostgreSQL, the same contract). Reads of another merchant's resources are the callers' to refuse: every record carries its
/// merchant (or group).
/// </summary>
public interface IGroupStore
{
    Task InsertGroupAsync(Group group, AuditEntry audit, CancellationToken cancellationToken);

    Task<Group?> GetGroupAsync(string id, CancellationToken cancellationToken);

    Task InsertMemberAsync(GroupMember member, AuditEntry audit, CancellationToken cancellationToken);

    Task<GroupMember?> GetMemberAsync(string id, CancellationToken cancellationToken);

    /// <summary>Writes a new sub-account; false (nothing written) when its group has one with the same department code.</summary>
    Task<bool> TryInsertAccountAsync(SubAccount account, AuditEntry audit, CancellationToken cancellationToken);

    Task<SubAccount?> GetAccountAsync(string id, CancellationToken cancellationToken);

    /// <summary>A group's sub-accounts in id order, after <paramref name="afterId"/> when given.</summary>
    Task<IReadOnlyList<SubAccount>> ListAccountsAsync(string groupId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>What counts against the sub-account's budget in <paramref name="period"/> (<see cref="BudgetHold"/>).</summary>
    Task<long> UsedAsync(string accountId, string period, CancellationToken cancellationToken);

    Task InsertBudgetChangeAsync(BudgetChange change, AuditEntry audit, CancellationToken cancellationToken);

    Task<BudgetChange?> GetBudgetChangeAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a decided budget change if nobody saved it since <paramref name="expectedVersion"/> (false otherwise, nothing written),
    /// with its audit entry and, when it is <see cref="BudgetChangeState.Applied"/>, the sub-account's new budget and threshold in the same write.
    /// A change inserted already applied (a sub-account without approvers) sets them in its insert likewise.
    /// </summary>
    Task<bool> TryUpdateBudgetChangeAsync(BudgetChange change, long expectedVersion, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>A group's pending budget changes, oldest first.</summary>
    Task<IReadOnlyList<BudgetChange>> ListPendingBudgetChangesAsync(string groupId, int limit, CancellationToken cancellationToken);

    /// <summary>The ids of a group's payments waiting for approval, oldest first.</summary>
    Task<IReadOnlyList<string>> ListAwaitingApprovalAsync(string groupId, int limit, CancellationToken cancellationToken);
}
