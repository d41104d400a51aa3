namespace Paygate.Gateway.Disputes;

internal static partial class DisputeLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispute {DisputeId} opened on payment {PaymentId} of merchant {MerchantId} ({Source}): {Reason}")]
    public static partial void Opened(this ILogger logger, string disputeId, string paymentId, string merchantId, DisputeSource source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispute {DisputeId}: {Type} by {Actor}")]
    public static partial void Changed(this ILogger logger, string disputeId, string type, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispute {DisputeId} passed its due time {DueTime:O} unanswered")]
    public static partial void DueBreached(this ILogger logger, string disputeId, DateTimeOffset dueTime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispute {DisputeId} escalated to arbitration: {Reason}")]
    public static partial void Escalated(this ILogger logger, string disputeId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Change {Number} of dispute {DisputeId} could not be published as an event of payment {PaymentId}; the worker tries again")]
    public static partial void NotPublished(this ILogger logger, Exception exception, int number, string disputeId, string paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId} could not be screened for disputes; the worker tries again")]
    public static partial void ScreeningFailed(this ILogger logger, Exception exception, string paymentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The acquirer's {Stage} {AcquirerDisputeId} names payment reference {Reference}, which the gateway does not know")]
    public static partial void UnknownPayment(this ILogger logger, string stage, string acquirerDisputeId, string reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "The acquirer's {Stage} of dispute {DisputeId} changes nothing (already at {Source}, state {State})")]
    public static partial void NoticeChangesNothing(this ILogger logger, string stage, string disputeId, DisputeSource source, DisputeState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "The refund of dispute {DisputeId} could not be followed; the worker tries again")]
    public static partial void RefundNotFollowed(this ILogger logger, Exception exception, string disputeId);
}
