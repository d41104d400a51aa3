using Paygate.Client.Calls;
using Paygate.Client.Webhooks;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>
/// The merchant's webhook endpoints and their deliveries (<c>paygate.v1.WebhookService</c>). Checking a delivery's signature needs no
/// client: see <see cref="WebhookVerifier"/>.
/// </summary>
public sealed class WebhooksClient
{
    private readonly GatewayCalls _calls;
    private readonly WebhookService.WebhookServiceClient _grpc;

    internal WebhooksClient(GatewayCalls calls, WebhookService.WebhookServiceClient grpc)
    {
        _calls = calls;
        _grpc = grpc;
    }

    /// <summary>Registers an endpoint; the result's <c>secret</c> (<c>whsec_...</c>) is shown this once: keep it for <see cref="WebhookVerifier"/>.</summary>
    public Task<WebhookEndpoint> CreateEndpointAsync(CreateWebhookEndpointRequest request, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(request, _grpc.CreateWebhookEndpointAsync, cancellationToken);

    /// <summary>The endpoints, newest first, without secrets.</summary>
    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default) =>
        (await _calls.UnaryAsync(new ListWebhookEndpointsRequest(), _grpc.ListWebhookEndpointsAsync, cancellationToken).ConfigureAwait(false)).Endpoints;

    /// <summary>Stops deliveries to an endpoint.</summary>
    public Task<WebhookEndpoint> DeleteEndpointAsync(string id, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new DeleteWebhookEndpointRequest { Id = id }, _grpc.DeleteWebhookEndpointAsync, cancellationToken);

    /// <summary>One page of deliveries, newest first, with every try of each.</summary>
    public Task<ListWebhookDeliveriesResponse> ListDeliveriesAsync(ListWebhookDeliveriesRequest request, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(request, _grpc.ListWebhookDeliveriesAsync, cancellationToken);
}
