namespace Paygate.Gateway.Groups;

/// <summary>An enterprise customer's group account (<c>grp_...</c>), owned by one merchant.</summary>
/// <param name="Id">The group's id.</param>
/// <param name="MerchantId">The merchant it belongs to: only that merchant's key sees it.</param>
/// <param name="DisplayName">A name for people.</param>
/// <param name="CreateTime">When it was created.</param>
public sealed record Group(string Id, string MerchantId, string DisplayName, DateTimeOffset CreateTime);

/// <summary>What a member of a group may do.</summary>
public enum MemberRole
{
    Viewer = 1,
    Approver = 2,
    Admin = 3,
}

/// <summary>A person of a group (<c>mem_...</c>); acts through the merchant's key, named by id, recorded as who decided.</summary>
/// <param name="Id">The member's id.</param>
/// <param name="GroupId">The group.</param>
/// <param name="DisplayName">A name for people.</param>
/// <param name="Role">What the member may do.</param>
/// <param name="CreateTime">When the member was added.</param>
public sealed record GroupMember(string Id, string GroupId, string DisplayName, MemberRole Role, DateTimeOffset CreateTime)
{
    /// <summary>Whether the member may be named an approver of a sub-account.</summary>
    public bool MayApprove => Role is MemberRole.Approver or MemberRole.Admin;
}

/// <summary>
/// A sub-account of a group (<c>acc_...</c>): one department, with a monthly budget in one currency and an approval threshold
/// above which payments wait for up to three approvers in order.
/// </summary>
/// <param name="Id">The sub-account's id (a payment's <c>customer.account</c>).</param>
/// <param name="GroupId">The group.</param>
/// <param name="MerchantId">The group's merchant (kept here so that a payment's booking is one read).</param>
/// <param name="DepartmentCode">The department's code, unique in the group.</param>
/// <param name="DisplayName">A name for people.</param>
/// <param name="BudgetCurrency">The budget's currency (ISO 4217).</param>
/// <param name="BudgetMinor">The budget per calendar month (UTC) in minor units; 0: no limit.</param>
/// <param name="ApprovalThresholdMinor">Payments above it wait for approval; 0: none do.</param>
/// <param name="Approvers">The approvers' member ids, in the order they decide.</param>
/// <param name="CreateTime">When it was created.</param>
public sealed record SubAccount(string Id, string GroupId, string MerchantId, string DepartmentCode, string DisplayName, string BudgetCurrency, long BudgetMinor,
    long ApprovalThresholdMinor, IReadOnlyList<string> Approvers, DateTimeOffset CreateTime)
{
    /// <summary>The most approvers a sub-account may have.</summary>
    public const int MaxApprovers = 3;

    /// <summary>Whether a payment of <paramref name="amountMinor"/> must wait for approval.</summary>
    public bool NeedsApproval(long amountMinor) => ApprovalThresholdMinor > 0 && amountMinor > ApprovalThresholdMinor && Approvers.Count > 0;
}
