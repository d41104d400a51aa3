namespace Paygate.Gateway.Risk.Indicators;

internal static partial class RiskAlertLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Risk alert {Rule} fired for merchant {MerchantId} on payment {PaymentId}: {Reason}")]
    public static partial void AlertFired(this ILogger logger, string rule, string merchantId, string paymentId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk alert {Rule} for merchant {MerchantId} on payment {PaymentId} dropped: the queue of alerts to write is full")]
    public static partial void AlertDropped(this ILogger logger, string rule, string merchantId, string paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk alert {Rule} for merchant {MerchantId} could not be written as an event of payment {PaymentId}")]
    public static partial void AlertNotWritten(this ILogger logger, Exception exception, string rule, string merchantId, string paymentId);
}
