using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.Swift;

public static class SwiftServiceCollectionExtensions
{
    /// <summary>Registers the SWIFT MT103 channel, bound to the <c>Channels:Swift</c> configuration section.</summary>
    public static IServiceCollection AddSwiftChannel(this IServiceCollection services)
    {
        services.AddOptions<SwiftOptions>().BindConfiguration(SwiftOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(SwiftChannel.HttpClientName, SwiftChannel.ChannelId);
        services.AddSingleton<SwiftChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<SwiftChannel>());
        return services;
    }
}
