using Grpc.Net.Client;
using Paygate.Client.Calls;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>
/// The operators' <c>paygate.v1.EvidenceService</c>: verify the evidence chain, export a payment's evidence bundle, list the published
/// chain heads. Operator key only (<c>ok_test_...</c> / <c>ok_live_...</c>); calls are made as <see cref="PaygateClient"/>'s are.
/// </summary>
public sealed class EvidenceClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly GatewayCalls _calls;
    private readonly EvidenceService.EvidenceServiceClient _grpc;

    /// <summary>A client with a connection of its own to <paramref name="address"/>, calling with <paramref name="operatorKey"/>.</summary>
    public EvidenceClient(Uri address, string operatorKey)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!ApiKeyFormat.IsOperatorKey(operatorKey))
        {
            throw new ArgumentException("the key must be an operator secret key (ok_test_... or ok_live_...) without spaces", nameof(operatorKey));
        }
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("address must be an absolute http:// or https:// URI of the gateway", nameof(address));
        }
        _channel = GrpcChannel.ForAddress(address);
        _calls = new GatewayCalls(new PaygateClientOptions { Address = address, ApiKey = operatorKey });
        _grpc = new EvidenceService.EvidenceServiceClient(_channel.CreateCallInvoker());
    }

    /// <summary>Checks the whole chain and every published head; the first broken link when not intact.</summary>
    public Task<EvidenceVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new VerifyEvidenceChainRequest(), _grpc.VerifyEvidenceChainAsync, cancellationToken);

    /// <summary>One payment's evidence bundle.</summary>
    public Task<EvidenceBundle> ExportAsync(string paymentId, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new ExportEvidenceBundleRequest { PaymentId = paymentId }, _grpc.ExportEvidenceBundleAsync, cancellationToken);

    /// <summary>A page of the published heads, newest first.</summary>
    public Task<ListChainHeadsResponse> ListHeadsAsync(int pageSize, string pageToken = "", CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new ListChainHeadsRequest { PageSize = pageSize, PageToken = pageToken }, _grpc.ListChainHeadsAsync, cancellationToken);

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _channel.Dispose();
}
