using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// Writes each fired alert as a <c>risk.alert</c> event of the payment that tipped it, through the payments' ordinary change
/// path (<see cref="PaymentChanges"/>): the payment keeps its state, the event is saved with its webhook outbox rows in one
/// unit, and the event stream and watchers are woken. Off the saving thread, so that the save that tipped it is not slowed.
/// An alert still queued when the process stops, or whose write fails, is lost (logged); the counts themselves are in memory.
/// </summary>
public sealed class RiskAlertWriter(
    RiskAlertQueue queue, IPaymentStore store, ChannelRegistry channels, ChannelCalls calls, PaymentSignals signals, TimeProvider clock, ILogger<RiskAlertWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = new PaymentChanges(store, channels, calls, signals, clock, logger);
        await foreach (var alert in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var detail = alert.ToDetail();
                await changes.MutateAsync(alert.PaymentId, _ => new PaymentChange(PaymentEventTypes.RiskAlert, Detail: detail), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.AlertNotWritten(ex, alert.Rule, alert.MerchantId, alert.PaymentId);
            }
        }
    }
}
