using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Groups;

/// <summary>The ordered approval rule on a payment: who may decide, when, and what each decision does to the payment.</summary>
public sealed class ApprovalTransitionsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    private Payment Awaiting(params string[] approvers)
    {
        var payment = TestPayments.New(_clock, PaymentState.AwaitingApproval);
        payment.Attempts.Clear();
        payment.Approval = new PaymentApproval("acc_1", [.. approvers.Select(a => new ApprovalStep(a))]);
        return payment;
    }

    private Attempt First(Payment payment) => new()
    {
        Id = PaymentIds.NewAttemptId(_clock),
        Number = 1,
        Channel = "alipay",
        Reference = PaymentIds.AttemptReference(payment.Id, 1),
        State = AttemptState.Pending,
        CreateTime = _clock.GetUtcNow(),
    };

    private static void AssertRefused(ErrorCode code, Action act) => Assert.Equal(code, Assert.Throws<PaymentException>(act).Code);

    [Fact]
    public void Approve_InOrder_LastOneAddsTheFirstAttemptAndMovesToProcessing()
    {
        var payment = Awaiting("mem_a", "mem_b", "mem_c");

        Assert.Equal(PaymentEventTypes.ApprovalStepApproved, ApprovalTransitions.Approve(payment, "mem_a", null, _clock.GetUtcNow()));
        Assert.Equal(PaymentEventTypes.ApprovalStepApproved, ApprovalTransitions.Approve(payment, "mem_b", null, _clock.GetUtcNow()));
        Assert.Equal(PaymentState.AwaitingApproval, payment.State);
        Assert.True(ApprovalTransitions.IsLast(payment, "mem_c"));
        Assert.Equal(PaymentEventTypes.Approved, ApprovalTransitions.Approve(payment, "mem_c", First(payment), _clock.GetUtcNow()));

        Assert.Equal(PaymentState.Processing, payment.State);
        Assert.Single(payment.Attempts);
        Assert.All(payment.Approval!.Steps, s => Assert.Equal((ApprovalDecision.Approved, _clock.GetUtcNow()), (s.Decision!.Value, s.DecideTime!.Value)));
    }

    [Fact]
    public void Approve_Twice_OutOfOrder_NotAnApprover_AfterExpiry_RefusedAndNothingChanged()
    {
        var payment = Awaiting("mem_a", "mem_b");
        ApprovalTransitions.Approve(payment, "mem_a", null, _clock.GetUtcNow());
        var before = PaymentJson.Serialize(payment);

        AssertRefused(ErrorCatalogue.ApprovalAlreadyDecided, () => ApprovalTransitions.Approve(payment, "mem_a", null, _clock.GetUtcNow()));
        AssertRefused(ErrorCatalogue.NotAnApprover, () => ApprovalTransitions.Reject(payment, "mem_x", null, _clock.GetUtcNow()));
        _clock.Advance(payment.ExpireTime - _clock.GetUtcNow());
        AssertRefused(ErrorCatalogue.ApprovalNotPending, () => ApprovalTransitions.Approve(payment, "mem_b", First(payment), _clock.GetUtcNow()));

        Assert.Equal(before, PaymentJson.Serialize(payment));
    }

    [Fact]
    public void Approve_BeforeAnEarlierStep_IsOutOfOrder()
    {
        var payment = Awaiting("mem_a", "mem_b", "mem_c");
        AssertRefused(ErrorCatalogue.ApprovalOutOfOrder, () => ApprovalTransitions.Approve(payment, "mem_c", First(payment), _clock.GetUtcNow()));
        Assert.All(payment.Approval!.Steps, s => Assert.Null(s.Decision));
    }

    [Fact]
    public void Reject_FailsWithPM3102_AndPayingAgainIsRefused()
    {
        var payment = Awaiting("mem_a");
        Assert.Equal(PaymentEventTypes.ApprovalRejected, ApprovalTransitions.Reject(payment, "mem_a", "too much", _clock.GetUtcNow()));

        Assert.Equal((PaymentState.Failed, "PM-3102"), (payment.State, payment.Error!.Code));
        AssertRefused(ErrorCatalogue.ApprovalRejected, () => PaymentTransitions.Retry(payment, First(payment), _clock.GetUtcNow()));
        AssertRefused(ErrorCatalogue.ApprovalNotPending, () => ApprovalTransitions.Approve(payment, "mem_a", null, _clock.GetUtcNow()));
    }

    [Fact]
    public void Expire_WhileAwaitingApproval_SaysTheApprovalLapsed()
    {
        var payment = Awaiting("mem_a");
        PaymentTransitions.Expire(payment, payment.ExpireTime);
        Assert.Equal((PaymentState.Expired, "PM-3103"), (payment.State, payment.Error!.Code));
    }

    [Fact]
    public void AwaitingApproval_MovesOnlyToProcessingFailedCanceledOrExpired()
    {
        Assert.Equal([PaymentState.Processing, PaymentState.Failed, PaymentState.Canceled, PaymentState.Expired],
            Enum.GetValues<PaymentState>().Where(to => PaymentStateRules.CanMove(PaymentState.AwaitingApproval, to)));
        Assert.DoesNotContain(Enum.GetValues<PaymentState>(), from => PaymentStateRules.CanMove(from, PaymentState.AwaitingApproval));
    }
}
