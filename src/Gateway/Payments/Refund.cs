namespace Paygate.Gateway.Payments;

/// <summary>A refund's state; the same names as the API's <c>Refund.State</c>.</summary>
public enum RefundState
{
    Pending = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>
/// Money given back to the payer from a SUCCEEDED payment, part or all of it. It lives inside its payment, so that
/// "never more than captured" is checked and reserved in the same optimistic write as the refund itself.
/// </summary>
public sealed class Refund
{
    public required string Id { get; init; }
    /// <summary>The 1-based number of the refund within its payment.</summary>
    public required int Number { get; init; }
    public required string Channel { get; init; }
    /// <summary>The order number of the paid attempt the refund goes against.</summary>
    public required string PaymentReference { get; init; }
    /// <summary>The refund's idempotency key at the network (<c>out_request_no</c>, <c>out_refund_no</c>...), stable across resends.</summary>
    public required string Reference { get; init; }
    public required long AmountMinor { get; init; }
    /// <summary>When the paid attempt was converted: what the channel gives back, in its currency (the refund's share of the settled amount).</summary>
    public long? SettlementAmountMinor { get; init; }
    public required string Reason { get; init; }
    /// <summary>The merchant's <c>request_id</c>, when given: a repeat returns this refund.</summary>
    public string? RequestId { get; init; }
    public required RefundState State { get; set; }
    /// <summary>The network's id of the refund, once known.</summary>
    public string? ChannelRefundId { get; set; }
    public string? NativeCode { get; set; }
    public string? NativeMessage { get; set; }
    public PaymentError? Error { get; set; }
    /// <summary>When it was requested; every resend and query names this time (UnionPay keys refunds by it).</summary>
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
}
