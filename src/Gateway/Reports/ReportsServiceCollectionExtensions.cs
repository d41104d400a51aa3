using Paygate.Gateway.Api;

namespace Paygate.Gateway.Reports;

/// <summary>The bills and health reports: their settings, services, gRPC service and CSV download.</summary>
public static class ReportsServiceCollectionExtensions
{
    public static IServiceCollection AddPaygateReports(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReportPayments>();
        services.AddSingleton<ConsolidatedBills>();
        services.AddSingleton<HealthReports>();
        return services;
    }

    public static WebApplication MapPaygateReports(this WebApplication app)
    {
        app.MapGrpcService<ReportGrpcService>().ForBrowsers();
        app.MapBillCsv();
        return app;
    }
}
