using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.UnionPay;

public static class UnionPayServiceCollectionExtensions
{
    /// <summary>Registers the UnionPay channel, bound to the <c>Channels:UnionPay</c> configuration section.</summary>
    public static IServiceCollection AddUnionPayChannel(this IServiceCollection services)
    {
        services.AddOptions<UnionPayOptions>().BindConfiguration(UnionPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(UnionPayChannel.HttpClientName, UnionPayChannel.ChannelId);
        services.AddSingleton<UnionPayChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<UnionPayChannel>());
        return services;
    }
}
