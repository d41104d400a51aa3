using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.Card;

public static class CardServiceCollectionExtensions
{
    /// <summary>Registers the international card channel, bound to the <c>Channels:Card</c> configuration section.</summary>
    public static IServiceCollection AddCardChannel(this IServiceCollection services)
    {
        services.AddOptions<CardOptions>().BindConfiguration(CardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(CardChannel.HttpClientName, CardChannel.ChannelId);
        services.AddSingleton<CardChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<CardChannel>());
        return services;
    }
}
