using Google.Protobuf.WellKnownTypes;
using Paygate.Gateway.Groups;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Mapping;

/// <summary>From the group types to the API's messages.</summary>
public static class GroupMapping
{
    public static Proto.PaymentApproval ToProto(PaymentApproval approval) =>
        new() { Account = approval.AccountId, Steps = { approval.Steps.Select(ToProto) } };

    public static Proto.ApprovalStep ToProto(ApprovalStep step) => new()
    {
        Approver = step.Approver,
        Decision = step.Decision switch
        {
            ApprovalDecision.Approved => Proto.ApprovalStep.Types.Decision.Approved,
            ApprovalDecision.Rejected => Proto.ApprovalStep.Types.Decision.Rejected,
            _ => Proto.ApprovalStep.Types.Decision.Unspecified,
        },
        DecideTime = step.DecideTime is { } t ? Timestamp.FromDateTimeOffset(t) : null,
        Reason = step.Reason ?? "",
    };

    public static Proto.Group ToProto(this Group group) =>
        new() { Id = group.Id, DisplayName = group.DisplayName, CreateTime = Timestamp.FromDateTimeOffset(group.CreateTime) };

    public static Proto.GroupMember ToProto(this GroupMember member) => new()
    {
        Id = member.Id,
        GroupId = member.GroupId,
        DisplayName = member.DisplayName,
        Role = (Proto.GroupMember.Types.Role)(int)member.Role,
        CreateTime = Timestamp.FromDateTimeOffset(member.CreateTime),
    };

    public static Proto.SubAccount ToProto(this SubAccount account, long usedMinor = 0) => new()
    {
        Id = account.Id,
        GroupId = account.GroupId,
        DepartmentCode = account.DepartmentCode,
        DisplayName = account.DisplayName,
        BudgetCurrency = account.BudgetCurrency,
        BudgetMinor = account.BudgetMinor,
        ApprovalThresholdMinor = account.ApprovalThresholdMinor,
        Approvers = { account.Approvers },
        UsedMinor = usedMinor,
        CreateTime = Timestamp.FromDateTimeOffset(account.CreateTime),
    };

    public static Proto.BudgetChange ToProto(this BudgetChange change) => new()
    {
        Id = change.Id,
        AccountId = change.AccountId,
        BudgetMinor = change.BudgetMinor,
        ApprovalThresholdMinor = change.ApprovalThresholdMinor,
        RequestedBy = change.RequestedBy,
        State = (Proto.BudgetChange.Types.State)(int)change.State,
        Steps = { change.Steps.Select(ToProto) },
        CreateTime = Timestamp.FromDateTimeOffset(change.CreateTime),
    };
}
