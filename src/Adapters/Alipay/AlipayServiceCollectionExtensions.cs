using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.Alipay;

public static class AlipayServiceCollectionExtensions
{
    /// <summary>Registers the Alipay channel, bound to the <c>Channels:Alipay</c> configuration section.</summary>
    public static IServiceCollection AddAlipayChannel(this IServiceCollection services)
    {
        services.AddOptions<AlipayOptions>().BindConfiguration(AlipayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(AlipayChannel.HttpClientName, AlipayChannel.ChannelId);
        services.AddSingleton<AlipayChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<AlipayChannel>());
        return services;
    }
}
