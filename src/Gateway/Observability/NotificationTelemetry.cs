using System.Diagnostics;

namespace Paygate.Gateway.Observability;

/// <summary>
/// A span for each notification a channel sends us, a child of the incoming HTTP request's span: the channel and what
/// became of it (applied, repeated, rejected...), never its body or signature.
/// </summary>
internal static class NotificationTelemetry
{
    public static Activity? Start(string channel)
    {
        var activity = GatewayTelemetry.Source.StartActivity("notification " + channel, ActivityKind.Internal);
        activity?.SetTag("paygate.channel", channel);
        return activity;
    }

    /// <summary>What became of it: <c>applied</c>, <c>unchanged</c>, <c>repeated</c>, <c>rejected</c>, <c>statement</c>.</summary>
    public static void Outcome(Activity? activity, string outcome, string? reference = null)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetTag("paygate.notification.outcome", outcome);
        if (reference is not null)
        {
            activity.SetTag("paygate.attempt.reference", reference);
        }
        if (outcome == "rejected")
        {
            activity.SetStatus(ActivityStatusCode.Error, "rejected");
        }
    }
}
