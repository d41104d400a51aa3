using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.WeChatPay;

public static class WeChatPayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the WeChat Pay channel, bound to the <c>Channels:WeChatPay</c> configuration section. Its request nonces
    /// are random unless an <see cref="IRequestNonce"/> was registered before (a test pinning a signed request).
    /// </summary>
    public static IServiceCollection AddWeChatPayChannel(this IServiceCollection services)
    {
        services.AddOptions<WeChatPayOptions>().BindConfiguration(WeChatPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(WeChatPayChannel.HttpClientName, WeChatPayChannel.ChannelId);
        services.TryAddSingleton<IRequestNonce, RandomRequestNonce>();
        services.AddSingleton<WeChatPayChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<WeChatPayChannel>());
        return services;
    }
}
