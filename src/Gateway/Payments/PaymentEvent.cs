namespace Paygate.Gateway.Payments;

/// <summary>One durable change of a payment, written in the same transaction as the change itself.</summary>
/// <param name="Sequence">The store's global, increasing sequence number (0 before it is written).</param>
/// <param name="PaymentId">The payment it is about.</param>
/// <param name="Type">What happened, e.g. <c>payment.succeeded</c>.</param>
/// <param name="State">The payment's state after it.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Snapshot">The payment as it was right after the change (JSON).</param>
/// <param name="RefundId">The refund it is about, for <c>refund.*</c> events.</param>
/// <param name="Detail">What the event says beyond the payment (JSON), e.g. the alert of a <c>risk.alert</c> event; null for most.</param>
public sealed record PaymentEvent(long Sequence, string PaymentId, string Type, PaymentState State, DateTimeOffset Time, string Snapshot, string? RefundId = null,
    string? Detail = null);

/// <summary>What a change of a payment records as its event: the type, the refund it is about and the event's detail, if any.</summary>
/// <param name="Type">The event type, e.g. <c>payment.succeeded</c>.</param>
/// <param name="RefundId">The refund, for <c>refund.*</c> events.</param>
/// <param name="Receipt">The channel notification that caused it, recorded in the same unit so that a repeat changes nothing.</param>
/// <param name="Detail">What the event says beyond the payment (JSON), kept in the event's <c>detail</c>.</param>
public sealed record PaymentChange(string Type, string? RefundId = null, NotificationReceipt? Receipt = null, string? Detail = null)
{
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(type))]
    public static implicit operator PaymentChange?(string? type) => type is null ? null : new PaymentChange(type);
}

public static class PaymentEventTypes
{
    public const string Created = "payment.created";
    public const string RequiresAction = "payment.requires_action";
    public const string Succeeded = "payment.succeeded";
    public const string Failed = "payment.failed";
    public const string Canceled = "payment.canceled";
    public const string Expired = "payment.expired";
    public const string AttemptUnknown = "attempt.unknown";
    public const string AttemptClosed = "attempt.closed";
    public const string AttemptProcessing = "attempt.processing";
    /// <summary>The payer passed the network's strong customer authentication; the attempt's authorisation is sent again with it.</summary>
    public const string PayerAuthenticated = "attempt.payer_authenticated";
    public const string FailedOver = "attempt.failed_over";
    public const string Retried = "payment.retried";
    public const string LateSuccessFlagged = "payment.late_success_flagged";
    public const string DuplicateRefunded = "payment.duplicate_refunded";
    public const string AmountMismatchFlagged = "payment.amount_mismatch_flagged";
    public const string CreditHeld = "payment.credit_held";
    public const string Reversed = "payment.reversed";
    public const string RefundCreated = "refund.created";
    public const string RefundSucceeded = "refund.succeeded";
    public const string RefundFailed = "refund.failed";
    /// <summary>Risk control refused the payment (FAILED, <c>PM-3005</c>), no channel called.</summary>
    public const string RiskBlocked = "risk.blocked";
    /// <summary>Risk control asks the payer for a one-time code (REQUIRES_ACTION, VERIFICATION_CODE).</summary>
    public const string RiskChallenged = "risk.challenged";
    /// <summary>A wrong code was entered; tries are left.</summary>
    public const string RiskChallengeAttemptFailed = "risk.challenge_attempt_failed";
    public const string RiskChallengePassed = "risk.challenge_passed";
    /// <summary>Too many wrong codes, or none in time (FAILED, <c>PM-3005</c>).</summary>
    public const string RiskChallengeFailed = "risk.challenge_failed";
    /// <summary>An alert rule of risk control fired; the event's detail carries the alert.</summary>
    public const string RiskAlert = "risk.alert";
    /// <summary>Above its sub-account's threshold: written AWAITING_APPROVAL, no channel called.</summary>
    public const string AwaitingApproval = "approval.awaiting";
    /// <summary>One approver approved; later steps are still open.</summary>
    public const string ApprovalStepApproved = "approval.step_approved";
    /// <summary>The last approver approved: on to routing and the first attempt (PROCESSING).</summary>
    public const string Approved = "approval.approved";
    /// <summary>An approver rejected the payment (FAILED, <c>PM-3102</c>).</summary>
    public const string ApprovalRejected = "approval.rejected";
}
