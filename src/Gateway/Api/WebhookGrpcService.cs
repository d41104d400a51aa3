using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Webhooks;
using Paygate.V1;
using Domain = Paygate.Gateway.Payments;
using Paygate.Gateway.Mapping;

namespace Paygate.Gateway.Api;

/// <summary>Merchants register webhook endpoints and read the delivery history.</summary>
public sealed class WebhookGrpcService(IWebhookStore store, WebhookSecretBox secrets, WebhookAddressPolicy addresses, TimeProvider clock) : WebhookService.WebhookServiceBase
{
    private const int MaxUrlLength = 2000;
    private const int MaxDescriptionLength = 200;
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    /// <summary>The event types a merchant may subscribe to.</summary>
    private static readonly HashSet<string> KnownEventTypes = typeof(PaymentEventTypes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .Concat(typeof(Disputes.DisputeEventTypes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(f => (string)f.GetValue(null)!))
        .ToHashSet(StringComparer.Ordinal);

    public override async Task<V1.WebhookEndpoint> CreateWebhookEndpoint(CreateWebhookEndpointRequest request, ServerCallContext context)
    {
        var url = await ValidUrlAsync(request.Url, context.CancellationToken);
        if (request.Description.Length > MaxDescriptionLength || request.Description.Any(char.IsControl))
        {
            throw PaymentException.InvalidField("description", $"at most {MaxDescriptionLength} characters, no control characters");
        }
        foreach (var (type, index) in request.EventTypes.Select((t, i) => (t, i)))
        {
            if (!KnownEventTypes.Contains(type))
            {
                throw PaymentException.InvalidField($"event_types[{index}]", $"unknown event type '{type}'; known: {string.Join(", ", KnownEventTypes.Order(StringComparer.Ordinal))}");
            }
        }
        var caller = context.Caller();
        var endpoint = new Domain.WebhookEndpoint(PaymentIds.NewWebhookEndpointId(clock), caller.Merchant, url, request.Description,
            request.EventTypes.Distinct(StringComparer.Ordinal).ToList(), WebhookEndpointState.Enabled, clock.GetUtcNow());
        var secret = "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        await store.InsertEndpointAsync(endpoint, secrets.Seal(secret, endpoint.Id),
            Merchants.AuditEntry.New(endpoint.CreateTime, caller.KeyId, Merchants.AuditActions.WebhookEndpointCreated, endpoint.Id, caller.Merchant, $"url={url}"), context.CancellationToken);
        var proto = ToProto(endpoint);
        proto.Secret = secret;
        return proto;
    }

    public override async Task<ListWebhookEndpointsResponse> ListWebhookEndpoints(ListWebhookEndpointsRequest request, ServerCallContext context) =>
        new() { Endpoints = { (await store.ListEndpointsAsync(context.MerchantId(), context.CancellationToken)).Select(ToProto) } };

    public override async Task<V1.WebhookEndpoint> DeleteWebhookEndpoint(DeleteWebhookEndpointRequest request, ServerCallContext context)
    {
        var id = ValidEndpointId(request.Id, "id");
        var caller = context.Caller();
        var now = clock.GetUtcNow();
        var endpoint = await store.DeleteEndpointAsync(caller.Merchant, id, now, Merchants.AuditEntry.New(now, caller.KeyId, Merchants.AuditActions.WebhookEndpointDeleted, id, caller.Merchant),
                context.CancellationToken)
            ?? throw new PaymentException(ErrorCatalogue.WebhookEndpointNotFound, $"no webhook endpoint has id {id}", metadata: new Dictionary<string, string> { ["endpoint_id"] = id });
        return ToProto(endpoint);
    }

    public override async Task<ListWebhookDeliveriesResponse> ListWebhookDeliveries(ListWebhookDeliveriesRequest request, ServerCallContext context)
    {
        var endpointId = request.EndpointId.Length == 0 ? null : ValidEndpointId(request.EndpointId, "endpoint_id");
        string? paymentId = null;
        if (request.PaymentId.Length > 0)
        {
            paymentId = PaymentIds.LooksLikePaymentId(request.PaymentId) ? request.PaymentId : throw PaymentException.InvalidField("payment_id", "must be a payment id: pay_ followed by 26 characters");
        }
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw PaymentException.InvalidField("page_size", $"must be between 0 and {MaxPageSize}");
        }
        long? before = null;
        if (request.PageToken.Length > 0)
        {
            before = long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0
                ? b
                : throw PaymentException.InvalidField("page_token", "must be the next_page_token of an earlier page");
        }
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var rows = await store.ListDeliveriesAsync(context.MerchantId(), endpointId, paymentId, before, size + 1, context.CancellationToken);
        var page = rows.Take(size).ToList();
        var response = new ListWebhookDeliveriesResponse { Deliveries = { page.Select(ToProto) } };
        if (rows.Count > size)
        {
            response.NextPageToken = page[^1].Id.ToString(CultureInfo.InvariantCulture);
        }
        return response;
    }

    private async Task<string> ValidUrlAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Length is 0 or > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw PaymentException.InvalidField("url", $"must be an absolute URL of at most {MaxUrlLength} characters");
        }
        return await addresses.RefusalAsync(uri, cancellationToken) is { } refusal
            ? throw PaymentException.InvalidField("url", refusal)
            : uri.AbsoluteUri;
    }

    private static string ValidEndpointId(string id, string field) =>
        PaymentIds.LooksLikeWebhookEndpointId(id) ? id : throw PaymentException.InvalidField(field, "must be a webhook endpoint id: we_ followed by 26 characters");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static V1.WebhookEndpoint ToProto(Domain.WebhookEndpoint endpoint) => new()
    {
        Id = endpoint.Id,
        Url = endpoint.Url,
        Description = endpoint.Description,
        EventTypes = { endpoint.EventTypes },
        State = (V1.WebhookEndpoint.Types.State)(int)endpoint.State,
        CreateTime = Timestamp.FromDateTimeOffset(endpoint.CreateTime),
    };

    private static V1.WebhookDelivery ToProto(Domain.WebhookDelivery delivery) => new()
    {
        Id = delivery.Id.ToString(CultureInfo.InvariantCulture),
        EndpointId = delivery.EndpointId,
        EventId = PaymentMapping.EventId(delivery.EventSequence),
        EventType = delivery.EventType,
        PaymentId = delivery.PaymentId,
        State = (V1.WebhookDelivery.Types.State)(int)delivery.State,
        NextAttemptTime = delivery.State == WebhookDeliveryState.Pending ? Timestamp.FromDateTimeOffset(delivery.NextAttemptTime) : null,
        CreateTime = Timestamp.FromDateTimeOffset(delivery.CreateTime),
        Attempts =
        {
            delivery.Attempts.Select(a => new V1.WebhookAttempt
            {
                Time = Timestamp.FromDateTimeOffset(a.Time), HttpStatus = a.HttpStatus, Error = a.Error, DurationMs = a.DurationMs,
            }),
        },
    };
}
