using Grpc.Core;
using Grpc.Net.Client;
using Paygate.Client.Calls;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>
/// The operators' <c>paygate.v1.ChannelService</c>, read-only: the configured channels with their circuits and recent health, and
/// the catalogue of <c>PM-NNNN</c> codes. The gateway takes only an operator key (<c>ok_test_...</c> / <c>ok_live_...</c>) for it,
/// never a merchant's. Calls are made as <see cref="PaygateClient"/>'s are (deadline per attempt, retries on RetryInfo, typed errors).
/// </summary>
public sealed class ChannelsClient : IDisposable
{
    private readonly GrpcChannel? _ownChannel;
    private readonly GatewayCalls _calls;
    private readonly ChannelService.ChannelServiceClient _grpc;

    /// <summary>A client with a connection of its own to <paramref name="address"/>, calling with <paramref name="operatorKey"/>.</summary>
    public ChannelsClient(Uri address, string operatorKey)
        : this(Checked(address, operatorKey), GrpcChannel.ForAddress(address))
    {
    }

    /// <summary>A client over a connection the caller made and keeps.</summary>
    public ChannelsClient(CallInvoker callInvoker, string operatorKey)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        _calls = new GatewayCalls(CheckedKey(operatorKey));
        _grpc = new ChannelService.ChannelServiceClient(callInvoker);
    }

    private ChannelsClient(PaygateClientOptions options, GrpcChannel channel)
    {
        _ownChannel = channel;
        _calls = new GatewayCalls(options);
        _grpc = new ChannelService.ChannelServiceClient(channel.CreateCallInvoker());
    }

    /// <summary>Every configured channel with its currencies, flows, circuit state and recent success rate and latency.</summary>
    public Task<ListChannelsResponse> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new ListChannelsRequest(), _grpc.ListChannelsAsync, cancellationToken);

    /// <summary>The unified error catalogue: every code with its meaning, gRPC status, the gateway's decision and the payer's message.</summary>
    public Task<ListErrorCodesResponse> ListErrorCodesAsync(CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new ListErrorCodesRequest(), _grpc.ListErrorCodesAsync, cancellationToken);

    /// <summary>Closes the connection the client opened.</summary>
    public void Dispose() => _ownChannel?.Dispose();

    private static PaygateClientOptions Checked(Uri address, string operatorKey)
    {
        ArgumentNullException.ThrowIfNull(address);
        var options = CheckedKey(operatorKey);
        options.Address = address;
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("address must be an absolute http:// or https:// URI of the gateway", nameof(address));
        }
        return options;
    }

    private static PaygateClientOptions CheckedKey(string operatorKey) => ApiKeyFormat.IsOperatorKey(operatorKey)
        ? new PaygateClientOptions { ApiKey = operatorKey }
        : throw new ArgumentException("the key must be an operator secret key (ok_test_... or ok_live_...) without spaces", nameof(operatorKey));
}
