namespace Paygate.Gateway.Disputes;

/// <summary>Where a dispute stands (numbered as <c>Dispute.State</c> in the API).</summary>
public enum DisputeState
{
    Open = 1,
    Contested = 2,
    Accepted = 3,
    Escalated = 4,
    Arbitrated = 5,
    /// <summary>
    /// A decision (accept, or an arbitration's refund) is carrying out its refund: reserved on the dispute before the refund path
    /// heard of it, and not closed until the refund settles (the worker follows a refund the channel left PENDING).
    /// </summary>
    RefundPending = 6,
}

/// <summary>The three levels: opened automatically, handled by a person, arbitrated (numbered as <c>Dispute.Level</c>).</summary>
public enum DisputeLevel
{
    Automatic = 1,
    Manual = 2,
    Arbitration = 3,
}

/// <summary>What opened a dispute; for card disputes the latest stage the acquirer reported (numbered as <c>Dispute.Source</c>).</summary>
public enum DisputeSource
{
    Screening = 1,
    CardInquiry = 2,
    CardChargeback = 3,
    CardPreArbitration = 4,
}

/// <summary>The outcome of an arbitration (numbered as <c>ArbitrationDecision.Outcome</c>).</summary>
public enum ArbitrationOutcome
{
    Refund = 1,
    Compensation = 2,
    Rejected = 3,
}

/// <summary>
/// A dispute about one payment. Kept as one document (the store's body column) with a version for optimistic writes; its
/// evidence content and its payouts are kept beside it, written in the same unit. <see cref="History"/> is every change in
/// order; each is published as a <c>dispute.*</c> event of the payment, and <see cref="PublishedThrough"/> says how many were.
/// </summary>
public sealed class Dispute
{
    public required string Id { get; init; }
    public required string MerchantId { get; init; }
    public required string PaymentId { get; init; }
    public required DisputeState State { get; set; }
    public required DisputeLevel Level { get; set; }
    public required DisputeSource Source { get; set; }
    /// <summary>Card chargebacks and pre-arbitration: 72 hours to respond instead of 24.</summary>
    public bool Complex { get; set; }
    public required long AmountMinor { get; set; }
    public required string Currency { get; init; }
    public required string Reason { get; set; }
    public string? ReasonCode { get; set; }
    /// <summary>The acquirer's id of the dispute: card disputes are found (and de-duplicated) by it.</summary>
    public string? AcquirerDisputeId { get; init; }
    public DisputeReport? Report { get; init; }
    public List<DisputeEvidenceItem> Evidence { get; init; } = [];
    public required DateTimeOffset DueTime { get; set; }
    public bool DueBreached { get; set; }
    public string? EscalationReason { get; set; }
    public ArbitrationDecision? Arbitration { get; set; }
    public List<string> RefundIds { get; init; } = [];
    /// <summary>The refund a decision reserved and is carrying out (state <see cref="DisputeState.RefundPending"/>); null otherwise.</summary>
    public DisputeRefundPlan? PendingRefund { get; set; }
    /// <summary>How many refunds were reserved for it: numbers the next one's request id, so a repeat of one reuses it and a new one after a failure is new.</summary>
    public int RefundAttempts { get; set; }
    /// <summary>What the acquirer took back by chargeback, recorded when a card chargeback is accepted (no refund is made: the money went back already).</summary>
    public long ChargebackMinor { get; set; }
    /// <summary>Ids of the payouts made for it (the records themselves are in the store's payouts).</summary>
    public List<string> PayoutIds { get; init; } = [];
    public List<DisputeChange> History { get; init; } = [];
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }

    /// <summary>The stored version, for optimistic writes; not part of the document.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Version { get; set; }

    /// <summary>How many of <see cref="History"/> were published as events; not part of the document.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int PublishedThrough { get; set; }

    /// <summary>Accepted or arbitrated: nothing more can be done to it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Closed => State is DisputeState.Accepted or DisputeState.Arbitrated;

    /// <summary>Records a change (to be published as an event).</summary>
    public void Record(string type, string actor, string note, DateTimeOffset time)
    {
        History.Add(new DisputeChange(type, actor, note, time));
        UpdateTime = time;
    }
}

/// <summary>The report of the gateway's check of a success against its customer's history.</summary>
public sealed record DisputeReport(string CustomerId, int HistorySize, long UsualAmountMinor, IReadOnlyList<DisputeDeviation> Deviations, string Summary);

/// <summary>One deviation: <c>amount</c>, <c>channel</c> or <c>country</c>, what was seen and what is usual.</summary>
public sealed record DisputeDeviation(string Kind, string Observed, string Usual, string? DeviationPercent, string Description);

/// <summary>A piece of evidence as the dispute shows it (the content is stored beside the dispute).</summary>
public sealed record DisputeEvidenceItem(string Id, string Kind, string Description, long SizeBytes, string Sha256, string AddedBy, DateTimeOffset AddTime);

/// <summary>Evidence content on its way to the store, written in the same unit as the dispute that lists it.</summary>
public sealed record DisputeEvidenceContent(string EvidenceId, string DisputeId, byte[] Content);

/// <summary>An arbitration's decision.</summary>
public sealed record ArbitrationDecision(ArbitrationOutcome Outcome, IReadOnlyList<string> Parties, long AmountMinor, string Note, string DecidedBy, DateTimeOffset DecideTime,
    string? RefundId, string? PayoutId);

/// <summary>
/// A refund a decision reserved on the dispute before sending it through the payment's refund path. Its request id depends only on the
/// dispute and <see cref="Dispute.RefundAttempts"/>, never on the version, so a repeat (after a crash, a retry, the worker) gets the same refund.
/// </summary>
/// <param name="RequestId">The refund path's request id, e.g. <c>dp_.../refund</c> (<c>dp_.../refund/2</c> after a failed one).</param>
/// <param name="AmountMinor">How much.</param>
/// <param name="Reason">The refund's reason (part of the request's fingerprint: a repeat sends the same).</param>
/// <param name="Purpose"><c>accept</c> or <c>arbitration</c>.</param>
/// <param name="Actor">Who decided.</param>
/// <param name="ResumeState">Where the dispute goes back to when the refund fails.</param>
/// <param name="PlannedSource">The source when it was reserved: a later stage from the acquirer meanwhile reopens it instead of closing it.</param>
/// <param name="Decision">For an arbitration: the decision, recorded once the refund succeeded.</param>
/// <param name="RefundId">The refund, once the refund path made it.</param>
public sealed record DisputeRefundPlan(string RequestId, long AmountMinor, string Reason, string Purpose, string Actor, DisputeState ResumeState, DisputeSource PlannedSource,
    ArbitrationDecision? Decision, string? RefundId = null);

/// <summary>Compensation paid for a dispute: its own record, not a refund of the payment.</summary>
public sealed record DisputePayout(string Id, string DisputeId, string MerchantId, string Payee, long AmountMinor, string Currency, DateTimeOffset CreateTime);

/// <summary>One change of a dispute: its event type, who made it and why.</summary>
public sealed record DisputeChange(string Type, string Actor, string Note, DateTimeOffset Time);

/// <summary>The <c>dispute.*</c> event types (each change of a dispute is one).</summary>
public static class DisputeEventTypes
{
    public const string Opened = "dispute.opened";
    /// <summary>The acquirer reported the dispute's next stage (a chargeback after an inquiry, a pre-arbitration).</summary>
    public const string Updated = "dispute.updated";
    public const string EvidenceAdded = "dispute.evidence_added";
    public const string Accepted = "dispute.accepted";
    public const string Contested = "dispute.contested";
    public const string DueBreached = "dispute.due_breached";
    public const string Escalated = "dispute.escalated";
    public const string Arbitrated = "dispute.arbitrated";
    /// <summary>The refund of an accept or an arbitration failed at the channel; the dispute stays as it was otherwise.</summary>
    public const string RefundFailed = "dispute.refund_failed";

    public static bool IsDisputeEvent(string type) => type.StartsWith("dispute.", StringComparison.Ordinal);
}
