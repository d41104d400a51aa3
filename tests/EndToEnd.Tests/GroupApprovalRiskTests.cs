using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// A booked payment above its sub-account's threshold that risk control blocks on creation never skips its approvers: it is
/// written FAILED with its approval (every step open), and paying it again, whether risk control would now allow or challenge
/// it, is refused with PM-3106 before any channel hears of it; no challenge is issued, so there is nothing to confirm.
/// The rule set is set through RiskService on this class's own gateway.
/// </summary>
public sealed class GroupApprovalRiskTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    /// <summary>203.0.113.66 is blocked; a payer outside the customer's country (198.51.100.10 is in the US) is challenged.</summary>
    private const string Rules = """
        {
          "lists": { "ips": { "entries": ["203.0.113.66"], "action": "BLOCK" } },
          "geography": { "ip_country": { "action": "CHALLENGE" } },
          "ip_countries": { "file": "risk-ip-countries.csv" }
        }
        """;

    private GatewayUnderTest Gateway => fixture.Gateway;

    private GroupService.GroupServiceClient Groups => new(Gateway.Merchant);

    public async Task InitializeAsync() =>
        await new RiskService.RiskServiceClient(Gateway.Operator).UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = Rules });

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A sub-account (CNY, threshold 1,000.00) with two approvers; its id and theirs.</summary>
    private async Task<(string AccountId, string[] Approvers)> DepartmentAsync()
    {
        var group = await Groups.CreateGroupAsync(new CreateGroupRequest { DisplayName = "ACME Holdings" });
        var approvers = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            approvers.Add((await Groups.CreateGroupMemberAsync(new CreateGroupMemberRequest
            {
                GroupId = group.Id,
                DisplayName = $"Approver {i + 1}",
                Role = GroupMember.Types.Role.Approver,
            })).Id);
        }
        var account = await Groups.CreateSubAccountAsync(new CreateSubAccountRequest
        {
            GroupId = group.Id,
            DepartmentCode = "OPS-" + Guid.NewGuid().ToString("N")[..6],
            DisplayName = "Operations",
            BudgetCurrency = "CNY",
            BudgetMinor = 10_000_000,
            ApprovalThresholdMinor = 100_000,
            Approvers = { approvers },
        });
        return (account.Id, [.. approvers]);
    }

    [Fact]
    public async Task ABlockedPaymentAboveTheThreshold_PaidAgainOrConfirmed_NeverReachesAChannelWithoutItsApprovers()
    {
        var (accountId, approvers) = await DepartmentAsync();
        var request = GatewayUnderTest.NewRequest(250_000);
        request.Customer.Account = accountId;
        request.Customer.Contact = "+8613800138000";
        request.Payer = new PayerContext { Ip = "203.0.113.66" };

        var blocked = await Gateway.Payments.CreatePaymentAsync(request);

        Assert.Equal((Payment.Types.State.Failed, "PM-3005"), (blocked.State, blocked.Error.Code));
        Assert.Equal(approvers, blocked.Approval.Steps.Select(s => s.Approver));
        Assert.All(blocked.Approval.Steps, s => Assert.Equal(ApprovalStep.Types.Decision.Unspecified, s.Decision));
        var alipayOrders = fixture.Simulators.Alipay.Orders.Count;

        // Risk control would now allow it (a payer in the customer's country): refused all the same, nothing changes.
        var (allowed, allowedInfo, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest
        {
            Id = blocked.Id,
            Payer = new PayerContext { Ip = "192.0.2.10" },
        }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-3106"), (allowed, allowedInfo.Reason));

        // Risk control would now challenge it: refused before any code is issued, so there is nothing to confirm.
        var (challenged, challengedInfo, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest
        {
            Id = blocked.Id,
            Payer = new PayerContext { Ip = "198.51.100.10" },
        }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-3106"), (challenged, challengedInfo.Reason));
        var (confirm, confirmInfo, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest
        {
            Id = blocked.Id,
            VerificationCode = "123456",
        }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6004"), (confirm, confirmInfo.Reason));

        var after = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = blocked.Id });
        Assert.Equal((Payment.Types.State.Failed, "PM-3005"), (after.State, after.Error.Code));
        Assert.Empty(after.Attempts);
        Assert.Null(after.NextAction);
        Assert.Equal(RiskAssessment.Types.Outcome.Block, after.Risk.Outcome);
        Assert.Equal(alipayOrders, fixture.Simulators.Alipay.Orders.Count);
        Assert.DoesNotContain(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo.StartsWith(blocked.Id["pay_".Length..], StringComparison.Ordinal));
    }
}
