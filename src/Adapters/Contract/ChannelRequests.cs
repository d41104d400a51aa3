using Paygate.Adapters.Money;

namespace Paygate.Adapters.Contract;

/// <summary>One attempt to collect money, as the channel sees it.</summary>
/// <param name="Reference">The order number for the network (<c>out_trade_no</c>): stable for the attempt, so a resend is de-duplicated.</param>
/// <param name="Amount">The amount to collect.</param>
/// <param name="Description">What is paid for.</param>
/// <param name="ExpireTime">When the network should stop accepting payment.</param>
/// <param name="NotifyUrl">Where the network posts its asynchronous notification.</param>
/// <param name="Card">The card to charge, for card channels; held in memory for the call only, never stored.</param>
/// <param name="CreateTime">When the attempt was made; networks that key orders by time (UnionPay <c>txnTime</c>) use it.</param>
/// <param name="Payer">The payer's bank account, for credit transfers the gateway instructs (SWIFT).</param>
public sealed record ChannelPaymentRequest(string Reference, Money.Money Amount, string Description, DateTimeOffset ExpireTime, string NotifyUrl,
    PaymentCard? Card = null, DateTimeOffset? CreateTime = null, PayerAccount? Payer = null)
{
    public ChannelOrder Order => new(Reference, CreateTime, ExpireTime);
}

/// <summary>An order at a network, as the gateway names it in later calls (query, close).</summary>
/// <param name="Reference">The order number (<c>out_trade_no</c>, <c>orderId</c>...).</param>
/// <param name="CreateTime">When the attempt was made (the order's <c>txnTime</c> for UnionPay); null when unknown.</param>
/// <param name="ExpireTime">Until when the payer may pay it (UnionPay <c>payTimeout</c>); null when unknown.</param>
public sealed record ChannelOrder(string Reference, DateTimeOffset? CreateTime = null, DateTimeOffset? ExpireTime = null);

/// <summary>A refund of part or all of a paid order.</summary>
/// <param name="PaymentReference">The order number the payment was made under.</param>
/// <param name="RefundReference">The refund's own idempotency key at the network (<c>out_request_no</c>, <c>out_refund_no</c>).</param>
/// <param name="Amount">How much to give back.</param>
/// <param name="PaymentTotal">What the order was paid in total (some networks check the refund against it).</param>
/// <param name="Reason">Why.</param>
/// <param name="PaymentTransactionId">The network's id of the paid transaction (UnionPay <c>origQryId</c>), when known.</param>
/// <param name="RequestTime">When the refund was first requested; the same on every resend (UnionPay <c>txnTime</c>).</param>
/// <param name="NotifyUrl">Where the network posts the refund's notification (WeChat Pay <c>notify_url</c>, UnionPay <c>backUrl</c>).</param>
public sealed record ChannelRefundRequest(string PaymentReference, string RefundReference, Money.Money Amount, Money.Money PaymentTotal, string Reason,
    string? PaymentTransactionId = null, DateTimeOffset? RequestTime = null, string? NotifyUrl = null);

/// <summary>What a verified notification from the network says about an order, or about one of its refunds.</summary>
/// <param name="Reference">The order number it is about; for a refund, the paid order's number, or empty when the network
/// names only the refund (UnionPay).</param>
/// <param name="NotificationId">The network's id for this notification, for de-duplication.</param>
/// <param name="Result">The outcome it reports (success, closed, still waiting...); for a refund, the refund's.</param>
/// <param name="RefundReference">Set when the notification is about a refund: the refund's own reference
/// (<see cref="ChannelRefundRequest.RefundReference"/>).</param>
public sealed record ChannelNotification(string Reference, string NotificationId, ChannelResult Result, string? RefundReference = null);

/// <summary>How the gateway must answer the network after a notification, so that it stops resending.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="ContentType">The content type of the body.</param>
/// <param name="Body">The body.</param>
public sealed record NotificationReply(int StatusCode, string ContentType, string Body);

/// <summary>A payer's bank account, as the payer gave it.</summary>
/// <param name="Name">The account holder's name.</param>
/// <param name="Account">The account number or IBAN.</param>
/// <param name="Bic">The account's bank, when given.</param>
/// <param name="Address">Up to three lines of the holder's address.</param>
public sealed record PayerAccount(string Name, string Account, string? Bic, IReadOnlyList<string> Address);
