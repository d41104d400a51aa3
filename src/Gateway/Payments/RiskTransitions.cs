using Paygate.Adapters.Errors;
using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Payments;

/// <summary>
/// How risk control's decisions change a payment that exists: a FAILED payment paid again may be blocked or challenged
/// anew; a challenge is passed (on to routing, with the first attempt after it) or failed (FAILED, <c>PM-3005</c>).
/// A payment blocked or challenged on creation is written so from the start (<see cref="PaymentLifecycle"/>).
/// </summary>
public static class RiskTransitions
{
    /// <summary>
    /// The error of a payment the gateway's risk control refused: no channel (that tells it from a channel's own <c>PM-3005</c>);
    /// the rules and their inputs are on <see cref="Payment.Risk"/>.
    /// </summary>
    public static PaymentError Blocked() => new(ErrorCatalogue.BlockedByRisk.Code, ErrorCatalogue.BlockedByRisk.PayerMessage, null, null);

    /// <summary>Pay-again refused by risk control: the payment stays FAILED, now with <c>PM-3005</c>.</summary>
    public static string Block(Payment payment, RiskAssessment assessment, DateTimeOffset now)
    {
        PaymentTransitions.EnsurePayable(payment, now, PaymentState.Failed);
        payment.Risk = assessment;
        payment.Error = Blocked();
        payment.UpdateTime = now;
        return PaymentEventTypes.RiskBlocked;
    }

    /// <summary>Pay-again challenged: the payment waits for the payer's code.</summary>
    public static string Challenge(Payment payment, RiskAssessment assessment, VerificationChallenge challenge, DateTimeOffset now)
    {
        PaymentTransitions.EnsurePayable(payment, now, PaymentState.Failed);
        payment.Risk = assessment with { Challenge = ChallengeState.Pending };
        payment.Challenge = challenge;
        payment.Error = null;
        payment.NextAction = null;
        PaymentTransitions.Move(payment, PaymentState.RequiresAction, now, PaymentEventTypes.RiskChallenged);
        return PaymentEventTypes.RiskChallenged;
    }

    /// <summary>A wrong code with tries left: one try fewer.</summary>
    public static string WrongCode(Payment payment, DateTimeOffset now)
    {
        var challenge = PendingChallenge(payment);
        payment.Challenge = challenge with { AttemptsLeft = challenge.AttemptsLeft - 1 };
        payment.UpdateTime = now;
        return PaymentEventTypes.RiskChallengeAttemptFailed;
    }

    /// <summary>
    /// The right code of <paramref name="answered"/> in time: on to routing, with <paramref name="first"/> as the attempt to run.
    /// Refused when the payment saved meanwhile waits on another challenge, or has another attempt, or has expired, or is a booked
    /// payment its approvers have not approved.
    /// </summary>
    public static string Pass(Payment payment, VerificationChallenge answered, Attempt first, DateTimeOffset now)
    {
        var pending = PendingChallenge(payment);
        if (pending.CodeHash != answered.CodeHash || pending.AttemptsLeft < 1 || payment.Attempts.Count + 1 != first.Number
            || now >= pending.ExpireTime || now >= payment.ExpireTime)
        {
            throw NotWaiting(payment);
        }
        // A challenge is never a way around a booked payment's approvers.
        Groups.ApprovalTransitions.EnsureApproved(payment);
        payment.Challenge = null;
        payment.Risk = payment.Risk! with { Challenge = ChallengeState.Passed };
        payment.Attempts.Add(first);
        PaymentTransitions.Move(payment, PaymentState.Processing, now, PaymentEventTypes.RiskChallengePassed);
        return PaymentEventTypes.RiskChallengePassed;
    }

    /// <summary>The last wrong code, or none in time: FAILED with <c>PM-3005</c> (the payer may pay again while the payment is open).</summary>
    public static string Fail(Payment payment, DateTimeOffset now)
    {
        PendingChallenge(payment);
        payment.Challenge = null;
        payment.Risk = payment.Risk! with { Challenge = ChallengeState.Failed };
        payment.Error = Blocked();
        PaymentTransitions.Move(payment, PaymentState.Failed, now, PaymentEventTypes.RiskChallengeFailed);
        return PaymentEventTypes.RiskChallengeFailed;
    }

    /// <summary>The rules that decided, for the payment's error: names only (the inputs are on <see cref="Payment.Risk"/>).</summary>
    public static string Summary(RiskAssessment assessment) =>
        string.Join(", ", assessment.Hits.Where(h => h.Action == assessment.Outcome).Select(h => h.Rule).DefaultIfEmpty("risk"));

    /// <summary>The challenge the payment waits on; FAILED_PRECONDITION when it waits for no code.</summary>
    public static VerificationChallenge PendingChallenge(Payment payment) =>
        payment.State == PaymentState.RequiresAction && payment.Challenge is { } challenge ? challenge : throw NotWaiting(payment);

    /// <summary>Refused: the payment is not waiting for this code (answered, lapsed, ended, or challenged anew meanwhile).</summary>
    public static PaymentException NotWaiting(Payment payment) =>
        new(ErrorCatalogue.IllegalTransition, $"payment {payment.Id} is {payment.State.ToString().ToUpperInvariant()} and is not waiting for this verification code",
            metadata: new Dictionary<string, string> { ["payment_id"] = payment.Id, ["state"] = payment.State.ToString().ToUpperInvariant() });
}
