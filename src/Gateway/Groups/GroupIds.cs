using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>Ids of the group resources, in the payments' shape: a prefix and 26 characters, ordered by creation time.</summary>
public static class GroupIds
{
    public const string GroupPrefix = "grp_";
    public const string MemberPrefix = "mem_";
    public const string AccountPrefix = "acc_";
    public const string BudgetChangePrefix = "bch_";

    public static string NewGroupId(TimeProvider clock) => GroupPrefix + PaymentIds.NewBody(clock);

    public static string NewMemberId(TimeProvider clock) => MemberPrefix + PaymentIds.NewBody(clock);

    public static string NewAccountId(TimeProvider clock) => AccountPrefix + PaymentIds.NewBody(clock);

    public static string NewBudgetChangeId(TimeProvider clock) => BudgetChangePrefix + PaymentIds.NewBody(clock);

    /// <summary>Whether <paramref name="id"/> has the shape of an id with <paramref name="prefix"/> (it may still not exist).</summary>
    public static bool HasShape(string? id, string prefix) =>
        id is not null && id.Length == prefix.Length + 26 && id.StartsWith(prefix, StringComparison.Ordinal) && id[prefix.Length..].All(char.IsAsciiLetterOrDigit);
}
