using Grpc.Core;
using Grpc.Net.Client;
using Paygate.Client.Calls;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>
/// The Paygate merchant API: <see cref="Payments"/>, <see cref="Refunds"/>, <see cref="Events"/> and <see cref="Webhooks"/>.
/// Every change carries a <c>request_id</c> (the caller's, or one the client makes and keeps across its retries); a call is retried
/// only when the gateway's error carries a <c>RetryInfo</c>, after the delay it gives, within <see cref="PaygateClientOptions"/>'s
/// limits; failures are thrown as <see cref="Errors.PaygateException"/>s with the PM code. Thread-safe: make one and share it.
/// </summary>
public sealed class PaygateClient : IDisposable
{
    private readonly GrpcChannel? _ownChannel;

    /// <summary>A client with a connection of its own to <see cref="PaygateClientOptions.Address"/>.</summary>
    public PaygateClient(PaygateClientOptions options)
        : this(Validated(options, addressRequired: true), OpenChannel(options))
    {
    }

    /// <summary>
    /// A client over a connection the caller made and keeps (e.g. a <see cref="GrpcChannel"/> with its own TLS or handler settings);
    /// <see cref="PaygateClientOptions.Address"/> is not used.
    /// </summary>
    public PaygateClient(CallInvoker callInvoker, PaygateClientOptions options)
        : this(Validated(options, addressRequired: false), (Channel: (GrpcChannel?)null, Invoker: callInvoker ?? throw new ArgumentNullException(nameof(callInvoker))))
    {
    }

    private PaygateClient(PaygateClientOptions options, (GrpcChannel? Channel, CallInvoker Invoker) connection)
    {
        _ownChannel = connection.Channel;
        var calls = new GatewayCalls(options);
        var payments = new PaymentService.PaymentServiceClient(connection.Invoker);
        Payments = new PaymentsClient(calls, payments);
        Refunds = new RefundsClient(calls, payments);
        Events = new EventsClient(calls, payments);
        Webhooks = new WebhooksClient(calls, new WebhookService.WebhookServiceClient(connection.Invoker));
        Reports = new ReportsClient(calls, new ReportService.ReportServiceClient(connection.Invoker));
    }

    /// <summary>Create, read, list, cancel, pay again and watch payments.</summary>
    public PaymentsClient Payments { get; }

    /// <summary>Refund payments and read refunds.</summary>
    public RefundsClient Refunds { get; }

    /// <summary>The stream of every payment and refund event.</summary>
    public EventsClient Events { get; }

    /// <summary>Webhook endpoints and their deliveries.</summary>
    public WebhooksClient Webhooks { get; }

    /// <summary>A group's consolidated bill and the monthly payment health report.</summary>
    public ReportsClient Reports { get; }

    /// <summary>Closes the connection the client opened (one the caller gave it is the caller's to close).</summary>
    public void Dispose() => _ownChannel?.Dispose();

    private static PaygateClientOptions Validated(PaygateClientOptions options, bool addressRequired)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(addressRequired);
        return options;
    }

    private static (GrpcChannel? Channel, CallInvoker Invoker) OpenChannel(PaygateClientOptions options)
    {
        var channel = GrpcChannel.ForAddress(options.Address!);
        return (channel, channel.CreateCallInvoker());
    }
}
