using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Paygate.Gateway.Observability;

/// <summary>
/// The gateway's own spans and measurements, both named <see cref="Name"/>. The source and the meter are static so that the
/// write path records into them without a service to carry around; an instrument costs nothing until a listener (the
/// OpenTelemetry providers, a test's listener) subscribes to it.
/// </summary>
public static class GatewayTelemetry
{
    public const string Name = "Paygate.Gateway";

    public static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);
}
