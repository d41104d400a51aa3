using System.Diagnostics;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Observability;

/// <summary>
/// A span for each try of a webhook delivery; the HTTP client's span for the POST is its child. Ids, the event type and the
/// answer's status only: never the URL (it may carry the merchant's token), the body or the signature.
/// </summary>
internal static class WebhookTelemetry
{
    public static Activity? Start(DueDelivery delivery, string eventType, int number)
    {
        // A trace of its own: the dispatcher's loop runs outside any request.
        var activity = GatewayTelemetry.Source.StartActivity("webhook delivery", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("paygate.webhook.delivery_id", delivery.Id);
            activity.SetTag("paygate.webhook.endpoint_id", delivery.EndpointId);
            activity.SetTag("paygate.webhook.event_type", eventType);
            activity.SetTag("paygate.webhook.attempt", number);
        }
        return activity;
    }

    public static void Finished(Activity? activity, int status, bool delivered, string outcome)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetTag("http.response.status_code", status);
        activity.SetTag("paygate.webhook.outcome", outcome);
        if (!delivered)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome);
        }
    }
}
