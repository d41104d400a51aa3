using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// Group accounts through the real gateway over gRPC: a payment booked to a sub-account is refused over its budget (nothing
/// written), waits for three approvers in order above the threshold and then pays on Alipay, fails when rejected, expires
/// unapproved; approving twice, out of order, as a non-approver or after expiry is refused and changes nothing; a budget changes
/// only through its approvers.
/// </summary>
public sealed class GroupApprovalTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private GroupService.GroupServiceClient Groups => new(Gateway.Merchant);

    private sealed record Department(string GroupId, string AccountId, string[] Approvers, string Viewer);

    /// <summary>A group with one sub-account (budget in CNY, threshold 1,000.00) and three approvers in order plus a viewer.</summary>
    private async Task<Department> DepartmentAsync(long budgetMinor = 1_000_000, long thresholdMinor = 100_000, int approvers = 3)
    {
        var group = await Groups.CreateGroupAsync(new CreateGroupRequest { DisplayName = "ACME Holdings" });
        var ids = new List<string>();
        for (var i = 0; i < approvers; i++)
        {
            ids.Add((await Groups.CreateGroupMemberAsync(new CreateGroupMemberRequest
            {
                GroupId = group.Id,
                DisplayName = $"Approver {i + 1}",
                Role = i == 2 ? GroupMember.Types.Role.Admin : GroupMember.Types.Role.Approver,
            })).Id);
        }
        var viewer = await Groups.CreateGroupMemberAsync(new CreateGroupMemberRequest { GroupId = group.Id, DisplayName = "Viewer", Role = GroupMember.Types.Role.Viewer });
        var account = await Groups.CreateSubAccountAsync(new CreateSubAccountRequest
        {
            GroupId = group.Id,
            DepartmentCode = "RND-" + Guid.NewGuid().ToString("N")[..6],
            DisplayName = "Research",
            BudgetCurrency = "CNY",
            BudgetMinor = budgetMinor,
            ApprovalThresholdMinor = thresholdMinor,
            Approvers = { ids },
        });
        return new Department(group.Id, account.Id, [.. ids], viewer.Id);
    }

    private static CreatePaymentRequest Booked(string accountId, long amount, Timestamp? expireTime = null)
    {
        var request = GatewayUnderTest.NewRequest(amount);
        request.Customer.Account = accountId;
        request.ExpireTime = expireTime;
        return request;
    }

    private Task<Payment> ApproveAsync(string paymentId, string memberId) =>
        Groups.ApprovePaymentAsync(new ApprovePaymentRequest { PaymentId = paymentId, MemberId = memberId }).ResponseAsync;

    [Fact]
    public async Task CreatePayment_OverTheMonthsBudget_RefusedWithPM3101_NothingWrittenAndTheBudgetUntouched()
    {
        var department = await DepartmentAsync(budgetMinor: 20_000, thresholdMinor: 0, approvers: 0);
        var first = await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 15_000));
        Assert.Equal(Payment.Types.State.RequiresAction, first.State);

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 6_000)).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-3101"), (code, info.Reason));
        Assert.Equal("15000", info.Metadata["used_minor"]);

        // What is left still passes; once the first payment is canceled its hold no longer counts.
        await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 5_000));
        await Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = first.Id });
        var account = await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId });
        Assert.Equal(5_000, account.UsedMinor);
        await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 15_000));
    }

    [Fact]
    public async Task RetryPayment_OfAFailedBookedPayment_OverTheBudget_RefusedWithPM3101_AndUnchanged()
    {
        var group = await Groups.CreateGroupAsync(new CreateGroupRequest { DisplayName = "ACME Cards" });
        var account = await Groups.CreateSubAccountAsync(new CreateSubAccountRequest
        {
            GroupId = group.Id,
            DepartmentCode = "OPS",
            BudgetCurrency = "USD",
            BudgetMinor = 20_000,
        });
        var declinedRequest = GatewayUnderTest.CardRequest("4000000000000002", amount: 12_000);
        declinedRequest.Customer.Account = account.Id;
        var declined = await Gateway.Payments.CreatePaymentAsync(declinedRequest);
        Assert.Equal(Payment.Types.State.Failed, declined.State);
        var paidRequest = GatewayUnderTest.CardRequest(amount: 10_000);
        paidRequest.Customer.Account = account.Id;
        Assert.Equal(Payment.Types.State.Succeeded, (await Gateway.Payments.CreatePaymentAsync(paidRequest)).State);

        // Paid again, the failed one would count again: 10,000 + 12,000 is over the 20,000 budget.
        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest
        {
            Id = declined.Id,
            RequestId = Guid.NewGuid().ToString(),
            PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
        }).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "PM-3101"), (code, info.Reason));
        Assert.Equal(("10000", "20000"), (info.Metadata["used_minor"], info.Metadata["budget_minor"]));
        Assert.Equal(declined, await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = declined.Id }));
        Assert.Equal(10_000, (await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = account.Id })).UsedMinor);
    }

    [Fact]
    public async Task CreatePayment_UnknownOrAnotherMerchantsAccount_NotFoundPM6042_NothingWritten()
    {
        var before = (await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 1 })).Payments.FirstOrDefault()?.Id;
        var (code, info, _) = await RpcErrors.CatchAsync(() =>
            Gateway.Payments.CreatePaymentAsync(Booked("acc_01JZZZZZZZZZZZZZZZZZZZZZZZ", 1_000)).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6042"), (code, info.Reason));
        Assert.Equal(before, (await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 1 })).Payments.FirstOrDefault()?.Id);

        var (wrongCurrency, currencyInfo, _) = await RpcErrors.CatchAsync(async () =>
        {
            var department = await DepartmentAsync(thresholdMinor: 0, approvers: 0);
            var usd = GatewayUnderTest.CardRequest();
            usd.Customer.Account = department.AccountId;
            await Gateway.Payments.CreatePaymentAsync(usd);
        });
        Assert.Equal((StatusCode.FailedPrecondition, "PM-3104"), (wrongCurrency, currencyInfo.Reason));
    }

    [Fact]
    public async Task PaymentAboveThreshold_WaitsForThreeApproversInOrder_ThenRoutesAndPays()
    {
        var department = await DepartmentAsync();
        var created = await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 250_000));
        Assert.Equal(Payment.Types.State.AwaitingApproval, created.State);
        Assert.Empty(created.Attempts);
        Assert.Equal(department.Approvers, created.Approval.Steps.Select(s => s.Approver));
        Assert.DoesNotContain(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo.StartsWith(created.Id["pay_".Length..], StringComparison.Ordinal));

        var pending = await Groups.ListPendingApprovalsAsync(new ListPendingApprovalsRequest { GroupId = department.GroupId, MemberId = department.Approvers[0] });
        Assert.Contains(pending.Payments, p => p.Id == created.Id);

        var one = await ApproveAsync(created.Id, department.Approvers[0]);
        Assert.Equal(Payment.Types.State.AwaitingApproval, one.State);
        Assert.Equal(ApprovalStep.Types.Decision.Approved, one.Approval.Steps[0].Decision);
        Assert.NotNull(one.Approval.Steps[0].DecideTime);
        var two = await ApproveAsync(created.Id, department.Approvers[1]);
        Assert.Equal(Payment.Types.State.AwaitingApproval, two.State);
        var routed = await ApproveAsync(created.Id, department.Approvers[2]);

        Assert.Equal(Payment.Types.State.RequiresAction, routed.State);
        Assert.All(routed.Approval.Steps, s => Assert.Equal(ApprovalStep.Types.Decision.Approved, s.Decision));
        var attempt = Assert.Single(routed.Attempts);
        Assert.Equal("alipay", attempt.Channel);
        Assert.Null(fixture.Simulators.Alipay.BuyerPays(routed.NextAction.QrCode));
        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal(250_000, Assert.Single(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo == attempt.ChannelReference).AmountFen);
        Assert.Equal(3, paid.Approval.Steps.Count);
    }

    [Fact]
    public async Task ApprovePayment_Twice_OutOfOrder_ByANonApprover_Refused_NothingChanged()
    {
        var department = await DepartmentAsync();
        var created = await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 150_000));

        var (outOfOrder, outInfo, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, department.Approvers[1]));
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6045"), (outOfOrder, outInfo.Reason));
        var (notApprover, notInfo, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, department.Viewer));
        Assert.Equal((StatusCode.PermissionDenied, "PM-6046"), (notApprover, notInfo.Reason));

        await ApproveAsync(created.Id, department.Approvers[0]);
        var afterFirst = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        var (twice, twiceInfo, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, department.Approvers[0]));
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6044"), (twice, twiceInfo.Reason));
        var (rejectTwice, rejectInfo, _) = await RpcErrors.CatchAsync(() =>
            Groups.RejectPaymentAsync(new RejectPaymentRequest { PaymentId = created.Id, MemberId = department.Approvers[0] }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6044"), (rejectTwice, rejectInfo.Reason));

        // A member of another group is not found there.
        var other = await DepartmentAsync();
        var (stranger, strangerInfo, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, other.Approvers[1]));
        Assert.Equal((StatusCode.NotFound, "PM-6043"), (stranger, strangerInfo.Reason));

        var unchanged = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        Assert.Equal(afterFirst, unchanged);
        Assert.Equal(Payment.Types.State.AwaitingApproval, unchanged.State);
    }

    [Fact]
    public async Task RejectPayment_FailsItWithPM3102_AndItCannotBePaidAgain_AndItsBudgetIsReleased()
    {
        var department = await DepartmentAsync(budgetMinor: 300_000);
        var created = await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 250_000));
        await ApproveAsync(created.Id, department.Approvers[0]);
        var (overBudget, _, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 60_000)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, overBudget);

        var rejected = await Groups.RejectPaymentAsync(new RejectPaymentRequest { PaymentId = created.Id, MemberId = department.Approvers[1], Reason = "not this quarter" });

        Assert.Equal(Payment.Types.State.Failed, rejected.State);
        Assert.Equal("PM-3102", rejected.Error.Code);
        Assert.Equal((ApprovalStep.Types.Decision.Rejected, "not this quarter"), (rejected.Approval.Steps[1].Decision, rejected.Approval.Steps[1].Reason));
        Assert.Empty(rejected.Attempts);
        var (again, againInfo, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest { Id = created.Id }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-3102"), (again, againInfo.Reason));
        var (late, lateInfo, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, department.Approvers[2]));
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6047"), (late, lateInfo.Reason));
        await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 60_000));
    }

    [Fact]
    public async Task PaymentAwaitingApproval_ExpiresWithPM3103_AndApprovingAfterExpiryIsRefused()
    {
        var department = await DepartmentAsync(budgetMinor: 200_000);
        var created = await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 150_000, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2))));
        await ApproveAsync(created.Id, department.Approvers[0]);

        var expired = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Expired);

        Assert.Equal("PM-3103", expired.Error.Code);
        var (code, info, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, department.Approvers[1]));
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6047"), (code, info.Reason));
        Assert.Equal(expired, await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id }));
        Assert.Equal(0, (await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId })).UsedMinor);
    }

    [Fact]
    public async Task BudgetChange_AppliedOnlyAfterItsApproversInOrder_RejectedLeavesTheBudget()
    {
        var department = await DepartmentAsync(budgetMinor: 10_000, thresholdMinor: 100_000);
        var (before, _, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 50_000)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, before);

        var change = await Groups.RequestBudgetChangeAsync(new RequestBudgetChangeRequest
        {
            AccountId = department.AccountId,
            MemberId = department.Viewer,
            BudgetMinor = 500_000,
            ApprovalThresholdMinor = 100_000,
        });
        Assert.Equal(BudgetChange.Types.State.Pending, change.State);
        var (outOfOrder, outInfo, _) = await RpcErrors.CatchAsync(() =>
            Groups.ApproveBudgetChangeAsync(new ApproveBudgetChangeRequest { Id = change.Id, MemberId = department.Approvers[2] }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6045"), (outOfOrder, outInfo.Reason));
        foreach (var approver in department.Approvers[..2])
        {
            Assert.Equal(BudgetChange.Types.State.Pending,
                (await Groups.ApproveBudgetChangeAsync(new ApproveBudgetChangeRequest { Id = change.Id, MemberId = approver })).State);
        }
        Assert.Equal(10_000, (await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId })).BudgetMinor);
        var applied = await Groups.ApproveBudgetChangeAsync(new ApproveBudgetChangeRequest { Id = change.Id, MemberId = department.Approvers[2] });

        Assert.Equal(BudgetChange.Types.State.Applied, applied.State);
        Assert.All(applied.Steps, s => Assert.NotNull(s.DecideTime));
        Assert.Equal(500_000, (await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId })).BudgetMinor);
        await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 50_000));
        var (twice, twiceInfo, _) = await RpcErrors.CatchAsync(() =>
            Groups.ApproveBudgetChangeAsync(new ApproveBudgetChangeRequest { Id = change.Id, MemberId = department.Approvers[2] }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6047"), (twice, twiceInfo.Reason));

        var cut = await Groups.RequestBudgetChangeAsync(new RequestBudgetChangeRequest { AccountId = department.AccountId, MemberId = department.Approvers[0], BudgetMinor = 1 });
        var rejected = await Groups.RejectBudgetChangeAsync(new RejectBudgetChangeRequest { Id = cut.Id, MemberId = department.Approvers[0], Reason = "no" });
        Assert.Equal(BudgetChange.Types.State.Rejected, rejected.State);
        Assert.Equal(500_000, (await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId })).BudgetMinor);
    }

    [Fact]
    public async Task PaymentAwaitingApproval_CanBeCanceled_AndLeavesThePendingList()
    {
        var department = await DepartmentAsync(budgetMinor: 200_000);
        var created = await Gateway.Payments.CreatePaymentAsync(Booked(department.AccountId, 150_000));
        await ApproveAsync(created.Id, department.Approvers[0]);
        var forSecond = await Groups.ListPendingApprovalsAsync(new ListPendingApprovalsRequest { GroupId = department.GroupId, MemberId = department.Approvers[1] });
        var forFirst = await Groups.ListPendingApprovalsAsync(new ListPendingApprovalsRequest { GroupId = department.GroupId, MemberId = department.Approvers[0] });
        Assert.Equal([created.Id], forSecond.Payments.Select(p => p.Id));
        Assert.Empty(forFirst.Payments);

        var canceled = await Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id });

        Assert.Equal(Payment.Types.State.Canceled, canceled.State);
        Assert.Empty((await Groups.ListPendingApprovalsAsync(new ListPendingApprovalsRequest { GroupId = department.GroupId })).Payments);
        Assert.Equal(0, (await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId })).UsedMinor);
        var (code, info, _) = await RpcErrors.CatchAsync(() => ApproveAsync(created.Id, department.Approvers[1]));
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6047"), (code, info.Reason));
    }

    [Fact]
    public async Task SubAccounts_ListedByPage_DepartmentCodeUnique_ApproversMustMayApprove()
    {
        var department = await DepartmentAsync();
        var existing = await Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId });
        foreach (var code in new[] { "OPS", "HR" })
        {
            await Groups.CreateSubAccountAsync(new CreateSubAccountRequest { GroupId = department.GroupId, DepartmentCode = code, BudgetCurrency = "CNY" });
        }
        var (taken, takenInfo, _) = await RpcErrors.CatchAsync(() =>
            Groups.CreateSubAccountAsync(new CreateSubAccountRequest { GroupId = department.GroupId, DepartmentCode = "HR", BudgetCurrency = "CNY" }).ResponseAsync);
        Assert.Equal((StatusCode.AlreadyExists, "PM-6049"), (taken, takenInfo.Reason));
        var (viewer, _, bad) = await RpcErrors.CatchAsync(() => Groups.CreateSubAccountAsync(new CreateSubAccountRequest
        {
            GroupId = department.GroupId,
            DepartmentCode = "LEGAL",
            BudgetCurrency = "CNY",
            ApprovalThresholdMinor = 1,
            Approvers = { department.Viewer },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, viewer);
        Assert.Equal("approvers[0]", Assert.Single(bad!.FieldViolations).Field);

        var first = await Groups.ListSubAccountsAsync(new ListSubAccountsRequest { GroupId = department.GroupId, PageSize = 2 });
        var second = await Groups.ListSubAccountsAsync(new ListSubAccountsRequest { GroupId = department.GroupId, PageSize = 2, PageToken = first.NextPageToken });
        var codes = first.Accounts.Concat(second.Accounts).Select(a => a.DepartmentCode).ToList();
        Assert.Equal(new[] { existing.DepartmentCode, "OPS", "HR" }.Order(StringComparer.Ordinal), codes.Order(StringComparer.Ordinal));
        Assert.Equal("", second.NextPageToken);
    }

    [Fact]
    public async Task Groups_OfAnotherMerchant_AreNotFound_AndItsPaymentsCannotBookThem()
    {
        var department = await DepartmentAsync();
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "Other merchant " + Guid.NewGuid().ToString("N")[..6] });
        var key = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "group isolation test" });
        var invoker = ApiCredentials.WithKey(Gateway.Channel, key.Secret);
        var theirGroups = new GroupService.GroupServiceClient(invoker);
        var theirPayments = new PaymentService.PaymentServiceClient(invoker);

        var (group, groupInfo, _) = await RpcErrors.CatchAsync(() => theirGroups.GetGroupAsync(new GetGroupRequest { Id = department.GroupId }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6041"), (group, groupInfo.Reason));
        var (account, accountInfo, _) = await RpcErrors.CatchAsync(() => theirGroups.GetSubAccountAsync(new GetSubAccountRequest { Id = department.AccountId }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6042"), (account, accountInfo.Reason));
        var (booked, bookedInfo, _) = await RpcErrors.CatchAsync(() => theirPayments.CreatePaymentAsync(Booked(department.AccountId, 1_000)).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6042"), (booked, bookedInfo.Reason));
        Assert.Empty((await theirPayments.ListPaymentsAsync(new ListPaymentsRequest())).Payments);

        var (denied, _, _) = await RpcErrors.CatchAsync(() => new GroupService.GroupServiceClient(Gateway.Operator).GetGroupAsync(new GetGroupRequest { Id = department.GroupId }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied);
    }
}
