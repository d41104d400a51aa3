using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Card;

public static class CardServiceCollectionExtensions
{
    /// <summary>Registers the international card channel, bound to the <c>Channels:Card</c> configuration section.</summary>
    public static IServiceCollection AddCardChannel(this IServiceCollection services)
    {
        services.AddOptions<CardOptions>().BindConfiguration(CardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(CardChannel.HttpClientName);
        services.AddSingleton<CardChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<CardChannel>());
        return services;
    }
}
