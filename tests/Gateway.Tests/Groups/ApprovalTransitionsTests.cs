using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;

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

    private Attempt First(Payment payment, int number = 1) => new()
    {
        Id = PaymentIds.NewAttemptId(_clock),
        Number = number,
        Channel = "alipay",
        Reference = PaymentIds.AttemptReference(payment.Id, number),
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

    /// <summary>A booked payment risk control blocked on creation: FAILED with its approval, every step open.</summary>
    private Payment BlockedUnapproved(params string[] approvers)
    {
        var payment = Awaiting(approvers);
        payment.State = PaymentState.Failed;
        payment.Error = RiskTransitions.Blocked();
        payment.Risk = Assessment(RiskOutcome.Block);
        return payment;
    }

    private RiskAssessment Assessment(RiskOutcome outcome) => new() { Outcome = outcome, RuleSetVersion = 1, DecideTime = _clock.GetUtcNow() };

    private VerificationChallenge Challenge() => new() { CodeHash = "abc", CodeLength = 6, ExpireTime = _clock.GetUtcNow().AddMinutes(5), AttemptsLeft = 3 };

    [Fact]
    public void PayAgain_ABlockedPaymentItsApproversNeverApproved_RefusedWithPM3106_WhateverRiskControlSays_NothingChanged()
    {
        var payment = BlockedUnapproved("mem_a", "mem_b");
        var before = PaymentJson.Serialize(payment);

        AssertRefused(ErrorCatalogue.ApprovalNeverGiven, () => PaymentTransitions.Retry(payment, First(payment), _clock.GetUtcNow()));
        AssertRefused(ErrorCatalogue.ApprovalNeverGiven, () => RiskTransitions.Block(payment, Assessment(RiskOutcome.Block), _clock.GetUtcNow()));
        AssertRefused(ErrorCatalogue.ApprovalNeverGiven, () => RiskTransitions.Challenge(payment, Assessment(RiskOutcome.Challenge), Challenge(), _clock.GetUtcNow()));
        // Half approved is not approved.
        payment.Approval = payment.Approval! with { Steps = [new ApprovalStep("mem_a", ApprovalDecision.Approved, _clock.GetUtcNow()), new ApprovalStep("mem_b")] };
        before = PaymentJson.Serialize(payment);
        AssertRefused(ErrorCatalogue.ApprovalNeverGiven, () => PaymentTransitions.Retry(payment, First(payment), _clock.GetUtcNow()));

        Assert.Equal(before, PaymentJson.Serialize(payment));
        Assert.Equal(PaymentState.Failed, payment.State);
        Assert.Empty(payment.Attempts);
    }

    [Fact]
    public void PayAgain_APaymentItsApproversApproved_ThenFailedAtItsChannel_IsAllowed()
    {
        var payment = Awaiting("mem_a");
        ApprovalTransitions.Approve(payment, "mem_a", First(payment), _clock.GetUtcNow());
        payment.Attempts[0].State = AttemptState.Failed;
        payment.State = PaymentState.Failed;

        Assert.Equal(PaymentEventTypes.Retried, PaymentTransitions.Retry(payment, First(payment, 2), _clock.GetUtcNow()));
        Assert.Equal((PaymentState.Processing, 2), (payment.State, payment.Attempts.Count));
    }

    [Fact]
    public void PassedChallenge_OfABookedPaymentItsApproversNeverApproved_RefusedWithPM3106_NoAttempt()
    {
        var payment = Awaiting("mem_a");
        var challenge = Challenge();
        payment.State = PaymentState.RequiresAction;
        payment.Challenge = challenge;
        payment.Risk = Assessment(RiskOutcome.Challenge) with { Challenge = ChallengeState.Pending };
        var before = PaymentJson.Serialize(payment);

        AssertRefused(ErrorCatalogue.ApprovalNeverGiven, () => RiskTransitions.Pass(payment, challenge, First(payment), _clock.GetUtcNow()));

        Assert.Equal(before, PaymentJson.Serialize(payment));
        Assert.Empty(payment.Attempts);
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
