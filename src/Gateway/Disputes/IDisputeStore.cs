using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Disputes;

/// <summary>Which disputes a listing wants: a merchant's (null: every merchant's, for operators), in a state, about a payment, at a level.</summary>
public sealed record DisputeFilter(string? MerchantId, DisputeState? State = null, string? PaymentId = null, DisputeLevel? Level = null);

/// <summary>A position in a listing, newest first: after the dispute created at <paramref name="CreateTime"/> with <paramref name="Id"/>.</summary>
public sealed record DisputeCursor(DateTimeOffset CreateTime, string Id);

/// <summary>A success as the screening saw it: one line of its customer's history.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="MerchantId">Its merchant.</param>
/// <param name="CustomerId">Its <c>customer.id</c>; empty when it named none (no history to compare with).</param>
/// <param name="AmountMinor">The amount.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="Channel">The channel that collected it.</param>
/// <param name="Country">The customer's country.</param>
/// <param name="SuccessTime">When it succeeded.</param>
public sealed record ScreenedPayment(string PaymentId, string MerchantId, string CustomerId, long AmountMinor, string Currency, string Channel, string Country,
    DateTimeOffset SuccessTime);

/// <summary>
/// The durable home of disputes, their evidence content and payouts, and the screening's record of which successes it checked
/// (which is also each customer's history). Each write is one unit. Implementations: SQLite and PostgreSQL, held to the same
/// contract tests.
/// </summary>
public interface IDisputeStore
{
    /// <summary>Writes a new dispute; false (nothing written) when one with the same acquirer dispute id exists already.</summary>
    Task<bool> TryInsertAsync(Dispute dispute, CancellationToken cancellationToken);

    Task<Dispute?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The dispute the acquirer knows by <paramref name="acquirerDisputeId"/>.</summary>
    Task<Dispute?> FindByAcquirerIdAsync(string acquirerDisputeId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a changed dispute, with the evidence content and the payout it gained (when given), if nobody saved it since
    /// <paramref name="expectedVersion"/>; false on such a conflict (reload and re-apply). Increments <see cref="Dispute.Version"/>.
    /// </summary>
    Task<bool> TryUpdateAsync(Dispute dispute, long expectedVersion, DisputeEvidenceContent? evidence, DisputePayout? payout, CancellationToken cancellationToken);

    /// <summary>Disputes newest first, after <paramref name="after"/> when given.</summary>
    Task<IReadOnlyList<Dispute>> ListAsync(DisputeFilter filter, DisputeCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>OPEN disputes whose due time is at or before <paramref name="now"/> and that are not yet marked breached.</summary>
    Task<IReadOnlyList<Dispute>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>OPEN or CONTESTED disputes opened at or before <paramref name="openedBefore"/> (candidates for escalation by age).</summary>
    Task<IReadOnlyList<Dispute>> ListUnresolvedOpenedBeforeAsync(DateTimeOffset openedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Disputes with changes not yet published as events.</summary>
    Task<IReadOnlyList<Dispute>> ListUnpublishedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records that the first <paramref name="through"/> changes of the dispute were published (never lowers it); not a change of the dispute.</summary>
    Task MarkPublishedAsync(string disputeId, int through, CancellationToken cancellationToken);

    Task<IReadOnlyList<DisputePayout>> ListPayoutsAsync(string disputeId, CancellationToken cancellationToken);

    /// <summary>The content of a piece of evidence; null when there is none with that id.</summary>
    Task<byte[]?> GetEvidenceContentAsync(string evidenceId, CancellationToken cancellationToken);

    /// <summary>
    /// SUCCEEDED payments changed at or after <paramref name="since"/> that the screening has not recorded yet, oldest first
    /// (after a restart the screening finds what it had not checked).
    /// </summary>
    Task<IReadOnlyList<Payment>> ListUnscreenedSuccessesAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>A customer's earlier screened successes at a merchant, newest first, without <paramref name="excludePaymentId"/>.</summary>
    Task<IReadOnlyList<ScreenedPayment>> CustomerHistoryAsync(string merchantId, string customerId, string excludePaymentId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records a screened success and the dispute it opened (if any) in one unit; false (nothing written) when the payment was
    /// screened already (another instance, or a repeat).
    /// </summary>
    Task<bool> RecordScreeningAsync(ScreenedPayment screened, Dispute? opened, CancellationToken cancellationToken);
}
