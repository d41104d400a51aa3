using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Observability;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// Fired alerts on their way to the store: the counters offer them on the saving thread, <see cref="RiskAlertWriter"/> writes
/// them. Bounded: when the writer falls behind, an alert is dropped (logged and counted) rather than a payment slowed.
/// </summary>
public sealed class RiskAlertQueue(IOptions<RiskIndicatorOptions> options, ILogger<RiskAlertQueue> logger)
{
    private readonly Channel<FiredAlert> _channel = Channel.CreateBounded<FiredAlert>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<FiredAlert> Reader => _channel.Reader;

    /// <summary>Logs and counts the alert, and queues it for writing; never waits.</summary>
    public void Offer(FiredAlert alert)
    {
        RiskAlertMetrics.Fired(alert.Rule, alert.Indicator);
        logger.AlertFired(alert.Rule, alert.MerchantId, alert.PaymentId, alert.Reason);
        if (!_channel.Writer.TryWrite(alert))
        {
            RiskAlertMetrics.Dropped(alert.Rule, alert.Indicator);
            logger.AlertDropped(alert.Rule, alert.MerchantId, alert.PaymentId);
        }
    }
}
