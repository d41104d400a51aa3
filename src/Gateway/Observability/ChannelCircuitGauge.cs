using System.Diagnostics.Metrics;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;
using Polly.CircuitBreaker;

namespace Paygate.Gateway.Observability;

/// <summary>Each channel's circuit, read from its breaker when scraped: 0 closed, 1 half-open, 2 open, 3 isolated by hand.</summary>
internal sealed class ChannelCircuitGauge
{
    public ChannelCircuitGauge(IMeterFactory meters, ChannelRegistry channels, ChannelHealth health)
    {
        var meter = meters.Create(GatewayTelemetry.Name);
        meter.CreateObservableGauge("paygate.channel.circuit_state",
            () => channels.All.Select(c => new Measurement<int>(Value(health.CircuitFor(c.Id).CircuitState), new KeyValuePair<string, object?>("channel", c.Id))),
            null, "Circuit breaker state per channel: 0 closed, 1 half-open, 2 open, 3 isolated");
    }

    public static int Value(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        CircuitState.Isolated => 3,
        _ => -1,
    };
}
