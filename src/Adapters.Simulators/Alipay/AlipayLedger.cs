namespace Paygate.Simulators.Alipay;

/// <summary>What the simulated Alipay really moved: a charge when a buyer paid, a refund when money went back.</summary>
/// <param name="OutTradeNo">The merchant's order number.</param>
/// <param name="TradeNo">Alipay's transaction id.</param>
/// <param name="Kind"><c>charge</c> or <c>refund</c>.</param>
/// <param name="AmountFen">The amount in fen.</param>
/// <param name="Time">When it happened.</param>
/// <param name="RefundNo">A refund's <c>out_request_no</c>.</param>
public sealed record AlipayLedgerEntry(string OutTradeNo, string TradeNo, string Kind, long AmountFen, DateTimeOffset Time, string? RefundNo = null);

/// <summary>One order as the simulated Alipay keeps it.</summary>
public sealed class AlipayOrder
{
    public required string AppId { get; init; }
    public required string OutTradeNo { get; init; }
    public required string TradeNo { get; init; }
    public required long TotalFen { get; init; }
    public required string Subject { get; init; }
    public required string QrCode { get; init; }
    public required DateTimeOffset ExpireAt { get; init; }
    public string? NotifyUrl { get; init; }
    public string TradeStatus { get; set; } = "WAIT_BUYER_PAY";
    public DateTimeOffset? PaidAt { get; set; }
    public long RefundedFen { get; set; }
    public Dictionary<string, long> Refunds { get; } = new(StringComparer.Ordinal);
}
