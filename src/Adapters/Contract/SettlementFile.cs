namespace Paygate.Adapters.Contract;

/// <summary>What a settlement line reports.</summary>
public enum SettlementLineKind
{
    /// <summary>Money collected for an order.</summary>
    Payment = 1,
    /// <summary>Money given back for a refund of an order.</summary>
    Refund = 2,
    /// <summary>Money the card network took back for a dispute (card acquirers only).</summary>
    Chargeback = 3,
}

/// <summary>
/// One line of a network's settlement file, in the gateway's terms.
/// </summary>
/// <param name="LineNumber">Where it is in the file (1-based, of the file as delivered), for reports.</param>
/// <param name="Kind">Payment, refund or chargeback.</param>
/// <param name="OrderReference">The order number the payment was made under (<c>out_trade_no</c>, <c>orderId</c>, the acquirer's reference): the attempt's reference.</param>
/// <param name="RefundReference">For a refund, its own number (<c>out_request_no</c>, <c>out_refund_no</c>...); else null.</param>
/// <param name="TransactionId">The network's id of the transaction (<c>trade_no</c>, <c>transaction_id</c>, <c>queryId</c>...), when it gives one.</param>
/// <param name="AmountMinor">The gross amount, positive, in minor units of <paramref name="Currency"/>.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="FeeMinor">The network's fee, positive when charged, negative when given back (a refunded fee), in minor units.</param>
/// <param name="State">The network's own word for the transaction's state (<c>SUCCESS</c>, <c>REFUND</c>, <c>captured</c>...).</param>
/// <param name="Succeeded">Whether the network says the money moved.</param>
/// <param name="Time">When the network completed it.</param>
public sealed record SettlementLine(int LineNumber, SettlementLineKind Kind, string OrderReference, string? RefundReference, string? TransactionId,
    long AmountMinor, string Currency, long FeeMinor, string State, bool Succeeded, DateTimeOffset Time);

/// <summary>A network's settlement file of one day, read whole.</summary>
/// <param name="Name">The file's name as the network gave it.</param>
/// <param name="Date">The business day it covers.</param>
/// <param name="Lines">Its detail lines.</param>
public sealed record SettlementFile(string Name, DateOnly Date, IReadOnlyList<SettlementLine> Lines);

/// <summary>The settlement file could not be had (the network refused or did not answer, a signature or hash did not verify); try again later.</summary>
public sealed class SettlementFetchException(string reason) : Exception(reason);

/// <summary>The settlement file does not parse; nothing of it may be used. <see cref="Line"/> is where (0: the file as a whole).</summary>
public sealed class SettlementFormatException(string reason, int line) : Exception(line > 0 ? $"line {line}: {reason}" : reason)
{
    public string Reason { get; } = reason;

    public int Line { get; } = line;
}
