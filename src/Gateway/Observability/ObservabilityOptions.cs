namespace Paygate.Gateway.Observability;

/// <summary>Settings under <c>Observability</c>: the Prometheus scrape endpoint and OTLP export.</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// Serve <c>/metrics</c> on the HTTP/1.1 port. Unset: on in the sandbox, off in live (the endpoint is unauthenticated,
    /// meant for a scraper on a private network).
    /// </summary>
    public bool? Prometheus { get; set; }

    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>How old the backlog gauges' counts may be before a scrape asks the store again.</summary>
    public TimeSpan BacklogRefresh { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>OTLP export of traces and metrics, on when <see cref="Endpoint"/> is set (e.g. <c>http://collector:4317</c>).</summary>
public sealed class OtlpOptions
{
    public string? Endpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317, the default) or <c>HttpProtobuf</c> (port 4318, paths /v1/traces and /v1/metrics added).</summary>
    public string Protocol { get; set; } = "Grpc";
}
