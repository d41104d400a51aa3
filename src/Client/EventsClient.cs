using Paygate.Client.Calls;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>The merchant's events, the same ones its webhooks receive, as a stream that can be resumed where it was left.</summary>
public sealed class EventsClient
{
    private readonly GatewayCalls _calls;
    private readonly PaymentService.PaymentServiceClient _grpc;

    internal EventsClient(GatewayCalls calls, PaymentService.PaymentServiceClient grpc)
    {
        _calls = calls;
        _grpc = grpc;
    }

    /// <summary>
    /// Every event after <paramref name="afterCursor"/> (the <c>cursor</c> of the last event handled; null for the first), then each
    /// new one, until the caller stops. Resuming with the last handled cursor misses none and repeats none.
    /// </summary>
    public IAsyncEnumerable<Event> StreamAsync(string? afterCursor = null, CancellationToken cancellationToken = default) =>
        _calls.StreamAsync(options => _grpc.StreamEvents(new StreamEventsRequest { AfterCursor = afterCursor ?? "" }, options), cancellationToken);
}
