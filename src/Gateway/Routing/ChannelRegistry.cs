using Paygate.Adapters.Contract;

namespace Paygate.Gateway.Routing;

/// <summary>Every registered channel, by id. A channel joins by its <c>AddXxxChannel</c> registration alone.</summary>
public sealed class ChannelRegistry(IEnumerable<IPaymentChannel> channels)
{
    private readonly Dictionary<string, IPaymentChannel> _byId = channels.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<IPaymentChannel> All => _byId.Values;

    public IPaymentChannel? Find(string id) => _byId.GetValueOrDefault(id);

    public IPaymentChannel Get(string id) => Find(id) ?? throw new InvalidOperationException($"channel '{id}' is not registered");
}
