namespace Paygate.Gateway.Payments;

/// <summary>
/// The durable home of payments, their events and idempotency keys. Each write is one transaction that
/// changes the payment, records its event and appends its evidence link (<see cref="Evidence.IEvidenceStore"/>) together. Implementations: SQLite (embedded default);
/// PostgreSQL (shared by several gateway instances) fills the same contract.
/// </summary>
public interface IPaymentStore
{
    /// <summary>Creates or upgrades the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<IdempotencyRecord?> FindIdempotencyAsync(string merchantId, string scope, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a new payment, its first event and (when given) its idempotency key in one transaction.
    /// Throws <see cref="IdempotencyKeyTakenException"/> when the key exists already (another instance won).
    /// </summary>
    Task InsertAsync(Payment payment, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a changed payment, its event and (when given) the idempotency key of the operation, if nobody saved
    /// the payment since <paramref name="expectedVersion"/>; returns false on such a conflict (reload and
    /// re-apply). Increments <see cref="Payment.Version"/>. Throws <see cref="IdempotencyKeyTakenException"/>
    /// when the key exists already, saving nothing.
    /// </summary>
    Task<bool> TryUpdateAsync(Payment payment, long expectedVersion, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken);

    Task<Payment?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The payment that holds the refund <paramref name="refundId"/>.</summary>
    Task<Payment?> FindByRefundIdAsync(string refundId, CancellationToken cancellationToken);

    Task<Payment?> FindByAttemptReferenceAsync(string channel, string reference, CancellationToken cancellationToken);

    /// <summary>A merchant's payments newest first, after <paramref name="after"/> when given.</summary>
    Task<IReadOnlyList<Payment>> ListAsync(string merchantId, PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Payments that need the recovery worker: unfinished ones past their expiry or with an attempt whose outcome
    /// is unknown (or pending since before <paramref name="pendingBefore"/>), and any with a refund still pending (a
    /// duplicate success to give back, or a merchant refund to confirm).
    /// </summary>
    Task<IReadOnlyList<Payment>> ListNeedingAttentionAsync(DateTimeOffset now, DateTimeOffset pendingBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Puts off the worker's next question about the payment's call in flight until <paramref name="until"/> (scheduling, not
    /// state: no version, no event), and only while the payment is still at <paramref name="version"/>: a change saved meanwhile
    /// scheduled its own checks. Any saved change of the payment clears it.
    /// </summary>
    Task DeferChecksAsync(string paymentId, long version, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Payments waiting for the payer (REQUIRES_ACTION with a QR code) whose next scheduled question is due. Every saved change
    /// schedules the first question after it (<see cref="PaymentOptions.AwaitingPayerSchedule"/>).
    /// </summary>
    Task<IReadOnlyList<Payment>> ListPayerQueriesDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Sets when a payment waiting for the payer is next asked about (null: no more); scheduling, not state; only while it is still at <paramref name="version"/>.</summary>
    Task SchedulePayerQueryAsync(string paymentId, long version, DateTimeOffset? at, CancellationToken cancellationToken);

    /// <summary>A payment's events after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<PaymentEvent>> EventsAsync(string paymentId, long afterSequence, CancellationToken cancellationToken);

    /// <summary>Whether a verified notification with this id was applied before (a read: the receipt is saved with the change it caused).</summary>
    Task<bool> NotificationSeenAsync(string channel, string notificationId, CancellationToken cancellationToken);

    /// <summary>Records a verified notification that changed nothing, so that its repeats are recognised too.</summary>
    Task RecordNotificationAsync(NotificationReceipt receipt, CancellationToken cancellationToken);

    /// <summary>
    /// Every event of a merchant's payments after <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.
    /// Sequences are assigned in commit order (one writer at a time), so a reader that resumes after the last
    /// sequence it saw misses nothing.
    /// </summary>
    Task<IReadOnlyList<PaymentEvent>> AllEventsAsync(string merchantId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A merchant's payments created in [<paramref name="from"/>, <paramref name="to"/>), only those booked to
    /// <paramref name="groupId"/> when given, oldest first (by creation time, then id), after <paramref name="after"/> when given:
    /// bills and reports read a period page by page this way, never all at once.
    /// </summary>
    Task<IReadOnlyList<Payment>> ListCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, PageCursor? after, int limit,
        CancellationToken cancellationToken);

    /// <summary>How many payments <see cref="ListCreatedBetweenAsync"/> would list from the start (a count, without reading them).</summary>
    Task<long> CountCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>A used idempotency key: whose, which operation, the request's fingerprint and the payment it produced.</summary>
/// <param name="MerchantId">The merchant whose request it was.</param>
/// <param name="Scope">The operation, e.g. <c>create</c> or <c>cancel</c>.</param>
/// <param name="Key">The caller's <c>request_id</c>.</param>
/// <param name="Fingerprint">A hash of the request's parameters.</param>
/// <param name="PaymentId">The payment it created or acted on.</param>
/// <param name="CreateTime">When it was first used.</param>
public sealed record IdempotencyRecord(string MerchantId, string Scope, string Key, string Fingerprint, string PaymentId, DateTimeOffset CreateTime);

/// <summary>Where a page of a newest-first listing ends.</summary>
/// <param name="CreateTime">The last payment's creation time.</param>
/// <param name="Id">The last payment's id.</param>
public sealed record PageCursor(DateTimeOffset CreateTime, string Id);

public sealed class IdempotencyKeyTakenException(string scope, string key) : Exception($"idempotency key {scope}/{key} is taken");
