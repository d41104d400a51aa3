namespace Paygate.Client.Webhooks;

/// <summary>The headers the gateway sends with every webhook POST.</summary>
public static class WebhookHeaders
{
    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>.</summary>
    public const string Signature = "Paygate-Signature";
    /// <summary>The event's id, <c>evt_...</c>: the same on every retry of a delivery, to drop duplicates by.</summary>
    public const string EventId = "Paygate-Event-Id";
    /// <summary>The event's type, e.g. <c>payment.succeeded</c>.</summary>
    public const string EventType = "Paygate-Event-Type";
    /// <summary>The delivery's id.</summary>
    public const string DeliveryId = "Paygate-Delivery-Id";
    /// <summary>Which try of the delivery this is, from 1.</summary>
    public const string DeliveryAttempt = "Paygate-Delivery-Attempt";
}
