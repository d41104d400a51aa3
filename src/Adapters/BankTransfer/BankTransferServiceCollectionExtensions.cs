using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.BankTransfer;

public static class BankTransferServiceCollectionExtensions
{
    /// <summary>Registers the bank transfer channel, bound to the <c>Channels:BankTransfer</c> configuration section.</summary>
    public static IServiceCollection AddBankTransferChannel(this IServiceCollection services)
    {
        services.AddOptions<BankTransferOptions>().BindConfiguration(BankTransferOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddChannelHttpClient(BankTransferChannel.HttpClientName, BankTransferChannel.ChannelId);
        services.AddSingleton<BankTransferChannel>();
        services.AddSingleton<IPaymentChannel>(sp => sp.GetRequiredService<BankTransferChannel>());
        return services;
    }
}
