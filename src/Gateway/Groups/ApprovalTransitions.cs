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

    /// <summary>
    /// The one rule that keeps a booked payment from skipping its approvers: refused unless it needed no approval (none was
    /// decided at its booking) or every step is approved. Rejected: <c>PM-3102</c>. Never approved (risk control stopped it on
    /// creation, before it could wait for its approvers): <c>PM-3106</c>. Checked by every pay-again
    /// (<see cref="PaymentTransitions.EnsurePayable"/>) and by a passed challenge (<see cref="RiskTransitions.Pass"/>); the last
    /// approval itself moves on only once all steps are approved (<see cref="Approve"/>).
    /// </summary>
    public static void EnsureApproved(Payment payment)
    {
        if (payment.Approval is not { } approval || ApprovalSteps.AllApproved(approval.Steps))
        {
            return;
        }
        if (approval.Rejected)
        {
            // Paying again would route what its approvers refused.
            throw new PaymentException(ErrorCatalogue.ApprovalRejected, $"payment {payment.Id} was rejected by its approvers and cannot be paid again");
        }
        // Not put before its approvers now: a pay-again is the payer paying now (perhaps by card, which cannot wait), and
        // AWAITING_APPROVAL is entered only on creation; a new payment waits for them with its own expiry.
        throw new PaymentException(ErrorCatalogue.ApprovalNeverGiven,
            $"payment {payment.Id} needs the approval of sub-account {approval.AccountId}'s approvers, who never approved it; create a new payment",
            metadata: new Dictionary<string, string> { ["payment_id"] = payment.Id, ["account_id"] = approval.AccountId });
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
