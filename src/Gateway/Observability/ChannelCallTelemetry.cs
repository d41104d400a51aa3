using System.Diagnostics;
using System.Diagnostics.Metrics;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Observability;

/// <summary>
/// A span around each call to a channel and its measurements: latency by channel, operation and outcome, and outcomes by
/// PM code. Only what says what happened is recorded (channel, operation, the order's reference, outcome, codes): never
/// the request's card, keys or signatures.
/// </summary>
internal static class ChannelCallTelemetry
{
    private static readonly Histogram<double> Duration = GatewayTelemetry.Meter.CreateHistogram<double>(
        "paygate.channel.call.duration", "s", "Calls to channels (retries included), by channel, operation and outcome");

    private static readonly Counter<long> Outcomes = GatewayTelemetry.Meter.CreateCounter<long>(
        "paygate.channel.outcomes", null, "Channel call outcomes by channel, operation and PM code");

    public static Activity? Start(string channelId, string operation, string reference)
    {
        var activity = GatewayTelemetry.Source.StartActivity("channel " + operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("paygate.channel", channelId);
            activity.SetTag("paygate.channel.operation", operation);
            // A refund's reference is its attempt's with the refund's number after it.
            var attempt = PaymentIds.AttemptReferenceOfRefund(reference) ?? reference;
            activity.SetTag("paygate.attempt.reference", attempt);
            if (!ReferenceEquals(attempt, reference))
            {
                activity.SetTag("paygate.refund.reference", reference);
            }
            if (PaymentIds.AttemptNumberOf(attempt) is { } number)
            {
                activity.SetTag("paygate.attempt.number", number);
            }
        }
        return activity;
    }

    public static void Record(Activity? activity, string channelId, string operation, ChannelResult result, TimeSpan elapsed)
    {
        var outcome = OutcomeName(result.Outcome);
        var code = result.Error?.Code ?? "none";
        var tags = new TagList { { "channel", channelId }, { "operation", operation }, { "outcome", outcome } };
        Duration.Record(elapsed.TotalSeconds, tags);
        tags.Add("pm_code", code);
        Outcomes.Add(1, tags);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("paygate.channel.outcome", outcome);
            activity.SetTag("paygate.pm_code", code);
            activity.SetTag("paygate.channel.native_code", result.NativeCode);
            if (result.Outcome is ChannelOutcome.Failed or ChannelOutcome.Unknown)
            {
                activity.SetStatus(ActivityStatusCode.Error, code);
            }
        }
    }

    public static void Failed(Activity? activity, Exception exception) =>
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);

    public static string OutcomeName(ChannelOutcome outcome) => outcome switch
    {
        ChannelOutcome.Succeeded => "succeeded",
        ChannelOutcome.RequiresAction => "requires_action",
        ChannelOutcome.Processing => "processing",
        ChannelOutcome.Declined => "declined",
        ChannelOutcome.Failed => "failed",
        ChannelOutcome.Unknown => "unknown",
        _ => "other",
    };
}
