using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.UnionPay;

public static class UnionPayServiceCollectionExtensions
{
    /// <summary>Registers the UnionPay channel, bound to the <c>Channels:UnionPay</c> configuration section.</summary>
    public static IServiceCollection AddUnionPayChannel(this IServiceCollection services)
    {
        services.AddOptions<UnionPayOptions>().BindConfiguration(UnionPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(UnionPayChannel.HttpClientName);
        services.AddSingleton<UnionPayChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<UnionPayChannel>());
        return services;
    }
}
