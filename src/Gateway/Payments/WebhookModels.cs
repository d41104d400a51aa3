namespace Paygate.Gateway.Payments;

public enum WebhookEndpointState
{
    Enabled = 1,
    Deleted = 2,
}

public enum WebhookDeliveryState
{
    Pending = 1,
    Delivered = 2,
    Failed = 3,
}

/// <summary>A merchant URL that receives events.</summary>
/// <param name="Id"><c>we_...</c>.</param>
/// <param name="MerchantId">The merchant whose events it receives.</param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Description">The merchant's note.</param>
/// <param name="EventTypes">The event types it receives; empty for all.</param>
/// <param name="State">Whether it receives events.</param>
/// <param name="CreateTime">When it was registered.</param>
public sealed record WebhookEndpoint(string Id, string MerchantId, string Url, string Description, IReadOnlyList<string> EventTypes, WebhookEndpointState State, DateTimeOffset CreateTime);

/// <summary>One event on its way to one endpoint, with every try so far.</summary>
public sealed record WebhookDelivery(long Id, string EndpointId, long EventSequence, string EventType, string PaymentId, WebhookDeliveryState State,
    DateTimeOffset NextAttemptTime, DateTimeOffset CreateTime, IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>One POST of a delivery.</summary>
/// <param name="Number">1 for the first try.</param>
/// <param name="Time">When it was sent.</param>
/// <param name="HttpStatus">The endpoint's status; 0 when it did not answer.</param>
/// <param name="Error">Why it did not count as delivered; empty when it did.</param>
/// <param name="DurationMs">How long the endpoint took.</param>
public sealed record WebhookAttempt(int Number, DateTimeOffset Time, int HttpStatus, string Error, long DurationMs);

/// <summary>A delivery the dispatcher has claimed: where to send it, with what key, and the event itself.</summary>
public sealed record DueDelivery(long Id, string EndpointId, string Url, string SealedSecret, int Attempts, DateTimeOffset CreateTime, PaymentEvent Event);
