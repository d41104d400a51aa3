using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Paygate.Gateway.Observability;

/// <summary>Risk alerts fired, and those dropped before they could be written, by rule and indicator.</summary>
internal static class RiskAlertMetrics
{
    private static readonly Counter<long> FiredCount = GatewayTelemetry.Meter.CreateCounter<long>(
        "paygate.risk.alerts", null, "Risk alert rules that fired, by rule and indicator");

    private static readonly Counter<long> DroppedCount = GatewayTelemetry.Meter.CreateCounter<long>(
        "paygate.risk.alerts.dropped", null, "Fired risk alerts dropped because the queue of alerts to write was full");

    public static void Fired(string rule, string indicator) => FiredCount.Add(1, new TagList { { "rule", rule }, { "indicator", indicator } });

    public static void Dropped(string rule, string indicator) => DroppedCount.Add(1, new TagList { { "rule", rule }, { "indicator", indicator } });
}
