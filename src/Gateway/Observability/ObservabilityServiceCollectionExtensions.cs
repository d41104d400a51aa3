using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>The Prometheus scrape path, on the HTTP/1.1 port beside the channels' notifications.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry: the gateway's spans and meters, ASP.NET Core's and HttpClient's; metrics for Prometheus (<c>/metrics</c>,
    /// <see cref="ObservabilityOptions.Prometheus"/>) and OTLP (<see cref="OtlpOptions.Endpoint"/>), traces for OTLP. Log
    /// lines carry the trace and span ids of the call they were written in.
    /// </summary>
    public static IServiceCollection AddPaygateObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.Section);
        var options = configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        // The environment is decided before the services (GatewayApp registers it first); unknown, it counts as live.
        var sandbox = services.LastOrDefault(d => d.ServiceType == typeof(GatewayEnvironment))?.ImplementationInstance is GatewayEnvironment { IsSandbox: true };
        var prometheus = options.Prometheus ?? sandbox;
        var otlp = string.IsNullOrWhiteSpace(options.Otlp.Endpoint) ? null : options.Otlp;
        services.AddSingleton(new MetricsEndpoint(prometheus));

        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Scopes are where the ids are: without them a console line would not show its trace.
        services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);

        if (!prometheus && otlp is null)
        {
            return services;
        }
        services.AddSingleton<BacklogGauges>();
        services.AddSingleton<ChannelCircuitGauge>();

        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("paygate-gateway"));
        telemetry.WithMetrics(metrics =>
        {
            // The gateway's own meter only. ASP.NET Core's and HttpClient's meters (every request and connection, the in-process
            // simulators' too) cost a quarter of the card create throughput in the bench; the channel calls' and payments'
            // figures here say what an operator needs of them.
            metrics.AddMeter(GatewayTelemetry.Name)
                // The gauges register their callbacks when the provider is built, and live as long as it.
                .AddInstrumentation(sp => sp.GetRequiredService<BacklogGauges>())
                .AddInstrumentation(sp => sp.GetRequiredService<ChannelCircuitGauge>());
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }
            if (otlp is not null)
            {
                metrics.AddOtlpExporter(e => Configure(e, otlp, "v1/metrics"));
            }
        });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(GatewayTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(e => Configure(e, otlp, "v1/traces")));
        }
        return services;
    }

    /// <summary>Serves <c>/metrics</c> when Prometheus is on. Not behind the gRPC API keys: keep the HTTP/1.1 port off the public network.</summary>
    public static IEndpointRouteBuilder MapPaygateMetrics(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<MetricsEndpoint>().On)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }
        return app;
    }

    private static void Configure(OtlpExporterOptions exporter, OtlpOptions otlp, string signalPath)
    {
        var http = otlp.Protocol.Equals("HttpProtobuf", StringComparison.OrdinalIgnoreCase);
        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // With HTTP each signal has its own path; a base address given alone gets it added.
        var endpoint = otlp.Endpoint!.TrimEnd('/');
        exporter.Endpoint = new Uri(http && !endpoint.EndsWith(signalPath, StringComparison.Ordinal) ? $"{endpoint}/{signalPath}" : endpoint);
    }

    /// <summary>Whether <c>/metrics</c> is served, as decided when the services were registered.</summary>
    internal sealed record MetricsEndpoint(bool On);
}
