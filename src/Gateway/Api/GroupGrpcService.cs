using Grpc.Core;
using Paygate.Adapters.Money;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Mapping;
using Paygate.Gateway.Payments;
using Paygate.V1;
using Domain = Paygate.Gateway.Groups;

namespace Paygate.Gateway.Api;

/// <summary>
/// Group accounts over the merchant API: groups, members, sub-accounts, and the approvals of payments and budget changes. Members
/// act through the merchant's key and are named by <c>member_id</c>, which is checked to be of the resource's group and recorded
/// as who decided.
/// </summary>
public sealed class GroupGrpcService(GroupAdministration groups, PaymentLifecycle lifecycle) : GroupService.GroupServiceBase
{
    private const int MaxNameLength = 200;
    private const int MaxPending = 500;
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<V1.Group> CreateGroup(CreateGroupRequest request, ServerCallContext context) =>
        (await groups.CreateGroupAsync(context.Caller(), ValidName(request.DisplayName, "display_name", required: true), context.CancellationToken)).ToProto();

    public override async Task<V1.Group> GetGroup(GetGroupRequest request, ServerCallContext context) =>
        (await groups.GetGroupAsync(context.MerchantId(), ValidId(request.Id, GroupIds.GroupPrefix, "id"), context.CancellationToken)).ToProto();

    public override async Task<V1.GroupMember> CreateGroupMember(CreateGroupMemberRequest request, ServerCallContext context)
    {
        var groupId = ValidId(request.GroupId, GroupIds.GroupPrefix, "group_id");
        var name = ValidName(request.DisplayName, "display_name", required: true);
        if (request.Role == V1.GroupMember.Types.Role.Unspecified || !System.Enum.IsDefined(request.Role))
        {
            throw PaymentException.InvalidField("role", "required: VIEWER, APPROVER or ADMIN");
        }
        return (await groups.AddMemberAsync(context.Caller(), groupId, name, (MemberRole)(int)request.Role, context.CancellationToken)).ToProto();
    }

    public override async Task<V1.SubAccount> CreateSubAccount(CreateSubAccountRequest request, ServerCallContext context)
    {
        var groupId = ValidId(request.GroupId, GroupIds.GroupPrefix, "group_id");
        if (request.DepartmentCode.Length is 0 or > 32 || !request.DepartmentCode.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw PaymentException.InvalidField("department_code", "required: 1 to 32 letters, digits, '_' or '-'");
        }
        var name = ValidName(request.DisplayName, "display_name", required: false);
        if (!Currency.TryFind(request.BudgetCurrency, out var currency))
        {
            throw PaymentException.InvalidField("budget_currency", "required: a supported ISO 4217 currency");
        }
        if (request.BudgetMinor < 0)
        {
            throw PaymentException.InvalidField("budget_minor", "must be 0 (no limit) or more");
        }
        if (request.ApprovalThresholdMinor < 0)
        {
            throw PaymentException.InvalidField("approval_threshold_minor", "must be 0 (none) or more");
        }
        var approvers = request.Approvers.ToList();
        if (approvers.Count > Domain.SubAccount.MaxApprovers || approvers.Distinct(StringComparer.Ordinal).Count() != approvers.Count)
        {
            throw PaymentException.InvalidField("approvers", $"at most {Domain.SubAccount.MaxApprovers} members, each once");
        }
        if (request.ApprovalThresholdMinor > 0 && approvers.Count == 0)
        {
            throw PaymentException.InvalidField("approvers", "required with an approval threshold: 1 to 3 members in order");
        }
        for (var i = 0; i < approvers.Count; i++)
        {
            ValidId(approvers[i], GroupIds.MemberPrefix, $"approvers[{i}]");
        }
        var draft = new Domain.SubAccount("", groupId, "", request.DepartmentCode, name, currency.Code, request.BudgetMinor, request.ApprovalThresholdMinor, approvers, default);
        return (await groups.CreateAccountAsync(context.Caller(), draft, context.CancellationToken)).ToProto();
    }

    public override async Task<V1.SubAccount> GetSubAccount(GetSubAccountRequest request, ServerCallContext context)
    {
        var account = await groups.GetAccountAsync(context.MerchantId(), ValidId(request.Id, GroupIds.AccountPrefix, "id"), context.CancellationToken);
        return account.ToProto(await groups.UsedThisMonthAsync(account, context.CancellationToken));
    }

    public override async Task<ListSubAccountsResponse> ListSubAccounts(ListSubAccountsRequest request, ServerCallContext context)
    {
        var groupId = ValidId(request.GroupId, GroupIds.GroupPrefix, "group_id");
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw PaymentException.InvalidField("page_size", $"must be between 0 and {MaxPageSize}");
        }
        var after = request.PageToken.Length == 0 ? null : ValidId(request.PageToken, GroupIds.AccountPrefix, "page_token");
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var rows = await groups.ListAccountsAsync(context.MerchantId(), groupId, after, size + 1, context.CancellationToken);
        var page = rows.Take(size).ToList();
        var response = new ListSubAccountsResponse { Accounts = { page.Select(a => a.ToProto()) } };
        if (rows.Count > size)
        {
            response.NextPageToken = page[^1].Id;
        }
        return response;
    }

    public override async Task<V1.Payment> ApprovePayment(ApprovePaymentRequest request, ServerCallContext context)
    {
        var (paymentId, memberId) = await ApproverAsync(request.PaymentId, request.MemberId, context);
        return (await lifecycle.ApproveAsync(context.MerchantId(), paymentId, memberId, Deadline(context), context.CancellationToken)).ToProto();
    }

    public override async Task<V1.Payment> RejectPayment(RejectPaymentRequest request, ServerCallContext context)
    {
        var reason = ValidName(request.Reason, "reason", required: false);
        var (paymentId, memberId) = await ApproverAsync(request.PaymentId, request.MemberId, context);
        return (await lifecycle.RejectAsync(context.MerchantId(), paymentId, memberId, reason.Length == 0 ? null : reason, context.CancellationToken)).ToProto();
    }

    public override async Task<V1.BudgetChange> RequestBudgetChange(RequestBudgetChangeRequest request, ServerCallContext context)
    {
        var accountId = ValidId(request.AccountId, GroupIds.AccountPrefix, "account_id");
        var memberId = ValidId(request.MemberId, GroupIds.MemberPrefix, "member_id");
        if (request.BudgetMinor < 0)
        {
            throw PaymentException.InvalidField("budget_minor", "must be 0 (no limit) or more");
        }
        if (request.ApprovalThresholdMinor < 0)
        {
            throw PaymentException.InvalidField("approval_threshold_minor", "must be 0 (none) or more");
        }
        return (await groups.RequestBudgetChangeAsync(context.Caller(), accountId, memberId, request.BudgetMinor, request.ApprovalThresholdMinor, context.CancellationToken)).ToProto();
    }

    public override async Task<V1.BudgetChange> ApproveBudgetChange(ApproveBudgetChangeRequest request, ServerCallContext context) =>
        (await DecideAsync(request.Id, request.MemberId, ApprovalDecision.Approved, null, context)).ToProto();

    public override async Task<V1.BudgetChange> RejectBudgetChange(RejectBudgetChangeRequest request, ServerCallContext context)
    {
        var reason = ValidName(request.Reason, "reason", required: false);
        return (await DecideAsync(request.Id, request.MemberId, ApprovalDecision.Rejected, reason.Length == 0 ? null : reason, context)).ToProto();
    }

    public override async Task<ListPendingApprovalsResponse> ListPendingApprovals(ListPendingApprovalsRequest request, ServerCallContext context)
    {
        var groupId = ValidId(request.GroupId, GroupIds.GroupPrefix, "group_id");
        var merchantId = context.MerchantId();
        string? memberId = null;
        if (request.MemberId.Length > 0)
        {
            memberId = (await groups.GetMemberAsync(merchantId, ValidId(request.MemberId, GroupIds.MemberPrefix, "member_id"), groupId, context.CancellationToken)).Id;
        }
        var (paymentIds, changes) = await groups.PendingAsync(merchantId, groupId, MaxPending, context.CancellationToken);
        var response = new ListPendingApprovalsResponse();
        foreach (var id in paymentIds)
        {
            var payment = await lifecycle.GetAsync(merchantId, id, context.CancellationToken);
            if (payment is { State: PaymentState.AwaitingApproval, Approval: { } approval } && (memberId is null || ApprovalSteps.Next(approval.Steps) == memberId))
            {
                response.Payments.Add(payment.ToProto());
            }
        }
        response.BudgetChanges.AddRange(changes.Where(c => memberId is null || ApprovalSteps.Next(c.Steps) == memberId).Select(c => c.ToProto()));
        return response;
    }

    /// <summary>The payment and the member acting on it, checked: the member must be of the payment's group.</summary>
    private async Task<(string PaymentId, string MemberId)> ApproverAsync(string paymentId, string memberId, ServerCallContext context)
    {
        var id = PaymentIds.LooksLikePaymentId(paymentId) ? paymentId : throw PaymentException.InvalidField("payment_id", "must be a payment id: pay_ followed by 26 characters");
        var member = ValidId(memberId, GroupIds.MemberPrefix, "member_id");
        var payment = await lifecycle.GetAsync(context.MerchantId(), id, context.CancellationToken);
        await groups.GetMemberAsync(context.MerchantId(), member, payment.Group?.GroupId, context.CancellationToken);
        return (id, member);
    }

    private async Task<Domain.BudgetChange> DecideAsync(string id, string memberId, ApprovalDecision decision, string? reason, ServerCallContext context)
    {
        var changeId = ValidId(id, GroupIds.BudgetChangePrefix, "id");
        var member = ValidId(memberId, GroupIds.MemberPrefix, "member_id");
        var change = await groups.GetBudgetChangeAsync(context.MerchantId(), changeId, context.CancellationToken);
        await groups.GetMemberAsync(context.MerchantId(), member, change.GroupId, context.CancellationToken);
        return await groups.DecideBudgetChangeAsync(context.Caller(), changeId, member, decision, reason, context.CancellationToken);
    }

    private static string ValidId(string id, string prefix, string field) =>
        GroupIds.HasShape(id, prefix) ? id : throw PaymentException.InvalidField(field, $"must be an id: {prefix} followed by 26 characters");

    private static string ValidName(string name, string field, bool required) =>
        (required && name.Length == 0) || name.Length > MaxNameLength || name.Any(char.IsControl)
            ? throw PaymentException.InvalidField(field, $"{(required ? "required: 1" : "0")} to {MaxNameLength} characters, no control characters")
            : name;

    private static DateTimeOffset? Deadline(ServerCallContext context) =>
        context.Deadline >= DateTime.MaxValue.AddDays(-1) ? null : new DateTimeOffset(DateTime.SpecifyKind(context.Deadline, DateTimeKind.Utc));
}
