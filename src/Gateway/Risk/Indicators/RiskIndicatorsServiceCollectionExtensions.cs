using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Risk.Indicators;

public static class RiskIndicatorsServiceCollectionExtensions
{
    /// <summary>
    /// The per-merchant indicators (one singleton, read as <see cref="IRiskIndicators"/> and told of saves as an
    /// <see cref="IPaymentObserver"/>), the alert rules of <c>Risk:Alerts</c> (checked at start: a bad rule stops the host,
    /// naming it and why), and the writer of fired alerts.
    /// </summary>
    public static IServiceCollection AddRiskIndicators(this IServiceCollection services)
    {
        services.AddOptions<RiskIndicatorOptions>().BindConfiguration(RiskIndicatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // The section is the list itself.
        services.AddOptions<RiskAlertOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(RiskAlertOptions.Section).Bind(options.Rules))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RiskAlertOptions>, RiskAlertOptionsValidator>();
        services.AddSingleton<RiskAlertQueue>();
        services.AddSingleton<RiskIndicatorCounters>();
        services.AddSingleton<IRiskIndicators>(sp => sp.GetRequiredService<RiskIndicatorCounters>());
        services.AddSingleton<IPaymentObserver>(sp => sp.GetRequiredService<RiskIndicatorCounters>());
        services.AddHostedService<RiskAlertWriter>();
        return services;
    }
}
