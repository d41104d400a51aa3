using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.WeChatPay;

public static class WeChatPayServiceCollectionExtensions
{
    /// <summary>Registers the WeChat Pay channel, bound to the <c>Channels:WeChatPay</c> configuration section.</summary>
    public static IServiceCollection AddWeChatPayChannel(this IServiceCollection services)
    {
        services.AddOptions<WeChatPayOptions>().BindConfiguration(WeChatPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(WeChatPayChannel.HttpClientName);
        services.AddSingleton<WeChatPayChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<WeChatPayChannel>());
        return services;
    }
}
