namespace Paygate.Gateway.Groups;

/// <summary>Where a budget change stands.</summary>
public enum BudgetChangeState
{
    Pending = 1,
    Applied = 2,
    Rejected = 3,
}

/// <summary>
/// A change of a sub-account's budget and threshold (<c>bch_...</c>), decided by the sub-account's approvers in order (the ones
/// named when it was asked for) and applied with the last approval, in the same write.
/// </summary>
public sealed record BudgetChange
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string GroupId { get; init; }
    public required string MerchantId { get; init; }
    public required long BudgetMinor { get; init; }
    public required long ApprovalThresholdMinor { get; init; }
    /// <summary>The member who asked for it.</summary>
    public required string RequestedBy { get; init; }
    public required BudgetChangeState State { get; init; }
    public required IReadOnlyList<ApprovalStep> Steps { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
    /// <summary>Optimistic-concurrency version: every saved decision increments it.</summary>
    public long Version { get; init; }
}
