namespace Paygate.Gateway.Payments;

/// <summary>
/// The payment core's log lines, source-generated (no formatting or boxing when a level is off). A payment's ordinary
/// life is at Debug, so a console does not fill up under load; what an operator must look at is Warning or above.
/// </summary>
internal static partial class PaymentLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId} created: {Amount}, routed to {Channels} ({Reason})")]
    public static partial void Created(this ILogger logger, string paymentId, Adapters.Money.Money amount, IReadOnlyList<string> channels, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId} paid again: attempt {Number} via {Channels}")]
    public static partial void PaidAgain(this ILogger logger, string paymentId, int number, IReadOnlyList<string> channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: call to {Channel} held back ({Reason}); left for the recovery worker")]
    public static partial void HeldBack(this ILogger logger, string paymentId, string channel, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: {Channel} did not take attempt {Number} ({Code} {Native}); failing over to {Next}")]
    public static partial void FailingOver(this ILogger logger, string paymentId, string channel, int number, string? code, string native, string? next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: no attempt on {Channel}: {Refusal}")]
    public static partial void NoAttempt(this ILogger logger, string paymentId, string channel, string refusal);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId}: {Event} on {Channel} order {Reference}; flagged for operators")]
    public static partial void Flagged(this ILogger logger, string paymentId, string @event, string channel, string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: duplicate success on {Channel} order {Reference} refunded ({Refund})")]
    public static partial void DuplicateRefunded(this ILogger logger, string paymentId, string channel, string reference, string refund);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId}: refund {Refund} of a duplicate success not confirmed yet ({Outcome} {Native}); retrying later")]
    public static partial void DuplicateRefundPending(this ILogger logger, string paymentId, string refund, Adapters.Contract.ChannelOutcome outcome, string native);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} from {Channel} names unknown order {Reference}")]
    public static partial void NotificationForUnknownOrder(this ILogger logger, string notificationId, string channel, string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} from {Channel} says order {Reference} is paid; the network's query says {Outcome} ({Native}): not applied")]
    public static partial void NotificationNotConfirmed(this ILogger logger, string notificationId, string channel, string reference, Adapters.Contract.ChannelOutcome outcome, string native);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} from {Channel} says refund {RefundReference} is {Native}; the network's query does not confirm it ({Outcome}): not applied")]
    public static partial void RefundNotificationNotConfirmed(this ILogger logger, string notificationId, string channel, string refundReference, string native, Adapters.Contract.ChannelOutcome outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId} expired unpaid")]
    public static partial void Expired(this ILogger logger, string paymentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId}: paid at {Channel}, found by the gateway's own query")]
    public static partial void FoundPaidByQuery(this ILogger logger, string paymentId, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId}: refund {RefundId} of {AmountMinor} requested")]
    public static partial void RefundRequested(this ILogger logger, string paymentId, string refundId, long amountMinor);

    [LoggerMessage(Message = "Payment {PaymentId}: refund {RefundId} is {State} ({Native})")]
    public static partial void RefundSettled(this ILogger logger, LogLevel level, string paymentId, string refundId, RefundState state, string native);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId}: risk control decided {Outcome} by rules {Rules} (rule set {Version})")]
    public static partial void RiskDecided(this ILogger logger, string paymentId, Risk.RiskOutcome outcome, string rules, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId} of {MerchantId}: risk control asks a challenge but no verification sender is configured; blocked")]
    public static partial void ChallengeUndeliverable(this ILogger logger, string paymentId, string merchantId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId}: verification code of {Length} digits sent to '{SentTo}', good until {ExpireTime:O}")]
    public static partial void ChallengeSent(this ILogger logger, string paymentId, string sentTo, int length, DateTimeOffset expireTime);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId}: the verification code could not be sent; the challenge will lapse")]
    public static partial void ChallengeNotSent(this ILogger logger, Exception exception, string paymentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId}: risk challenge {Outcome}")]
    public static partial void ChallengeSettled(this ILogger logger, string paymentId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId}: approved by its last approver {MemberId}; on to routing")]
    public static partial void Approved(this ILogger logger, string paymentId, string memberId);
}
