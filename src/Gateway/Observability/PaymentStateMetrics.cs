using System.Diagnostics;
using System.Diagnostics.Metrics;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Observability;

/// <summary>
/// Payments entering each state, by the channel of their current attempt: one counter increment per saved change of
/// state (a payment that moves processing -> requires_action -> succeeded counts once in each).
/// </summary>
internal static class PaymentStateMetrics
{
    private static readonly Counter<long> ByState = GatewayTelemetry.Meter.CreateCounter<long>(
        "paygate.payments.by_state", null, "Payments entering each state (a counter of state changes), by state and channel");

    /// <summary>Counts a saved payment whose state is new (created, or changed from <paramref name="before"/>).</summary>
    public static void Saved(Payment payment, PaymentState? before)
    {
        if (before == payment.State || !ByState.Enabled)
        {
            return;
        }
        ByState.Add(1, new TagList { { "state", StateName(payment.State) }, { "channel", payment.CurrentAttempt?.Channel ?? "none" } });
    }

    public static string StateName(PaymentState state) => state switch
    {
        PaymentState.Processing => "processing",
        PaymentState.RequiresAction => "requires_action",
        PaymentState.Succeeded => "succeeded",
        PaymentState.Failed => "failed",
        PaymentState.Canceled => "canceled",
        PaymentState.Expired => "expired",
        _ => "other",
    };
}
