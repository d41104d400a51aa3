using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// Publishes a dispute's recorded changes as <c>dispute.*</c> events of its payment, through the payments' ordinary change path
/// (<see cref="PaymentChanges"/>): the payment keeps its state, the event (its detail the dispute as JSON) is saved with its
/// webhook outbox rows and evidence link in one unit, and the event stream and watchers are woken. A change is recorded with
/// the dispute first and published after, so that a crash in between leaves it for <see cref="DisputeWorker"/> to publish
/// (at least once: a crash between the event and its mark publishes it again).
/// </summary>
public sealed class DisputeEvents(IDisputeStore store, IPaymentStore payments, ChannelRegistry channels, ChannelCalls calls, PaymentSignals signals, TimeProvider clock,
    ILogger<DisputeEvents> logger)
{
    private readonly PaymentChanges _changes = new(payments, channels, calls, signals, clock, logger);
    // One publisher at a time in this process, so that two callers never publish the same change twice.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Publishes what of <paramref name="dispute"/> is not published yet; a failure is logged and left to the worker.</summary>
    public async Task PublishAsync(Dispute dispute, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have published some meanwhile: the stored mark says.
            var current = await store.GetAsync(dispute.Id, cancellationToken) ?? dispute;
            var detail = DisputeJson.Serialize(current);
            for (var number = current.PublishedThrough; number < current.History.Count; number++)
            {
                var change = current.History[number];
                try
                {
                    await _changes.MutateAsync(current.PaymentId, _ => new PaymentChange(change.Type, Detail: detail), null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.NotPublished(ex, number + 1, current.Id, current.PaymentId);
                    return;
                }
                await store.MarkPublishedAsync(current.Id, number + 1, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
