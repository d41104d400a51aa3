namespace Paygate.Gateway.Settlement;

public static class SettlementServiceCollectionExtensions
{
    /// <summary>Settlement reconciliation and its daily worker (its store comes with the others, <c>AddPaygateStore</c>).</summary>
    public static IServiceCollection AddPaygateSettlement(this IServiceCollection services)
    {
        services.AddSingleton<SettlementReconciliation>();
        services.AddSingleton<SettlementWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<SettlementWorker>());
        return services;
    }
}
