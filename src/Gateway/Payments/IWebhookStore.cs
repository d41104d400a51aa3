using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Webhook endpoints and the delivery outbox. Delivery rows are written by the payment store, in the transaction of
/// the event they carry; this store hands them to the dispatcher and keeps their history.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Saves a new endpoint and the audit entry of its creation together.</summary>
    Task InsertEndpointAsync(WebhookEndpoint endpoint, string sealedSecret, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>A merchant's endpoints, newest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string merchantId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a merchant's endpoint, gives up its pending deliveries and records the audit entry, in one transaction; null
    /// when the merchant has no such endpoint.
    /// </summary>
    Task<WebhookEndpoint?> DeleteEndpointAsync(string merchantId, string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries until <paramref name="leaseUntil"/>: for each endpoint and payment only
    /// the oldest pending one (so a payment's events arrive in order). A claim that lapses (a crash mid-send) is due again.
    /// </summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken);

    /// <summary>Records one try and the delivery's new state and next try, in one transaction.</summary>
    Task RecordAttemptAsync(long deliveryId, WebhookAttempt attempt, WebhookDeliveryState state, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken);

    /// <summary>A merchant's deliveries newest first (ids below <paramref name="beforeId"/> when given), with their tries.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string merchantId, string? endpointId, string? paymentId, long? beforeId, int limit, CancellationToken cancellationToken);
}
