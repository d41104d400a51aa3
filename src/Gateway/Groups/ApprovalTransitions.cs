using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>
/// How approvals change a payment waiting in AWAITING_APPROVAL: a step approved (the last sends it on to routing with its first
/// attempt), or rejected (FAILED, <c>PM-3102</c>, never paid again). Expiry is the lifecycle's (<c>PM-3103</c>).
/// Each refusal throws before anything is changed.
/// </summary>
public static class ApprovalTransitions
{
    /// <summary>
    /// <paramref name="member"/> approves their step; when it was the last, <paramref name="first"/> is added and the payment moves
    /// to PROCESSING. Refused unless the payment waits for approval, has not expired, and it is the member's turn.
    /// </summary>
    public static string Approve(Payment payment, string member, Attempt? first, DateTimeOffset now)
    {
        var approval = Pending(payment, now);
        var steps = ApprovalSteps.Decide(approval.Steps, member, ApprovalDecision.Approved, null, now, Subject(payment));
        payment.Approval = approval with { Steps = steps };
        if (!ApprovalSteps.AllApproved(steps))
        {
            payment.UpdateTime = now;
            return PaymentEventTypes.ApprovalStepApproved;
        }
        if (first is null || payment.Attempts.Count + 1 != first.Number)
        {
            throw ApprovalSteps.NotPending(Subject(payment), "has an attempt already");
        }
        payment.Attempts.Add(first);
        PaymentTransitions.Move(payment, PaymentState.Processing, now, PaymentEventTypes.Approved);
        return PaymentEventTypes.Approved;
    }

    /// <summary><paramref name="member"/> rejects their step: FAILED with <c>PM-3102</c>. The same refusals as <see cref="Approve"/>.</summary>
    public static string Reject(Payment payment, string member, string? reason, DateTimeOffset now)
    {
        var approval = Pending(payment, now);
        payment.Approval = approval with { Steps = ApprovalSteps.Decide(approval.Steps, member, ApprovalDecision.Rejected, reason, now, Subject(payment)) };
        payment.Error = new PaymentError(ErrorCatalogue.ApprovalRejected.Code, ErrorCatalogue.ApprovalRejected.PayerMessage, null, null);
        PaymentTransitions.Move(payment, PaymentState.Failed, now, PaymentEventTypes.ApprovalRejected);
        return PaymentEventTypes.ApprovalRejected;
    }

    /// <summary>Whether <paramref name="member"/> holds the payment's last step (whose approval needs routing ready).</summary>
    public static bool IsLast(Payment payment, string member) => payment.Approval is { Steps: [.., var last] } && last.Approver == member;

    /// <summary>The error of a payment that expired waiting for its approvers.</summary>
    public static PaymentError Lapsed() => new(ErrorCatalogue.ApprovalLapsed.Code, ErrorCatalogue.ApprovalLapsed.PayerMessage, null, null);

    /// <summary>The approval the payment waits on; refused (<c>PM-6047</c>) when it waits for none, or when its time is up.</summary>
    public static PaymentApproval Pending(Payment payment, DateTimeOffset now)
    {
        if (payment.State != PaymentState.AwaitingApproval || payment.Approval is not { } approval)
        {
            throw ApprovalSteps.NotPending(Subject(payment), $"is {payment.State.ToString().ToUpperInvariant()} and waits for no approval");
        }
        if (now >= payment.ExpireTime)
        {
            // The recovery worker expires it; until then nobody may approve it either.
            throw ApprovalSteps.NotPending(Subject(payment), $"expired at {payment.ExpireTime:O}");
        }
        return approval;
    }

    private static string Subject(Payment payment) => $"payment {payment.Id}";
}
