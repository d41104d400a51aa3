namespace Paygate.Gateway.Disputes;

public static class DisputesServiceCollectionExtensions
{
    /// <summary>
    /// Disputes (section <c>Disputes</c>): the desk that acts on them, the publisher of their events, the acquirer's notices, and the
    /// worker (screening, due times, escalation). The store is registered with the others (<c>AddPaygateStore</c>).
    /// </summary>
    public static IServiceCollection AddDisputes(this IServiceCollection services)
    {
        services.AddOptions<DisputeOptions>().BindConfiguration(DisputeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DisputeEvents>();
        services.AddSingleton<DisputeDesk>();
        services.AddSingleton<AcquirerDisputes>();
        services.AddSingleton<DisputeWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DisputeWorker>());
        return services;
    }
}
