namespace Paygate.Simulators.Settlement;

/// <summary>
/// One transaction a simulated network settled on a day, before its network's file format writes it.
/// </summary>
/// <param name="Kind"><c>payment</c>, <c>refund</c> or <c>chargeback</c>.</param>
/// <param name="OrderReference">The merchant's order number.</param>
/// <param name="RefundReference">A refund's own number; else null.</param>
/// <param name="TransactionId">The network's id of the transaction.</param>
/// <param name="AmountMinor">The gross amount, positive.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="FeeMinor">The network's fee (positive when charged, negative when given back).</param>
/// <param name="State">The network's word for its state, as its file writes it.</param>
/// <param name="Time">When it completed.</param>
public sealed record SettledTransaction(string Kind, string OrderReference, string? RefundReference, string TransactionId, long AmountMinor, string Currency,
    long FeeMinor, string State, DateTimeOffset Time)
{
    /// <summary>The fee at <paramref name="basisPoints"/> of <paramref name="amountMinor"/>, rounded half away from zero; given back on a refund.</summary>
    public static long Fee(long amountMinor, int basisPoints, bool refund) =>
        (refund ? -1 : 1) * (long)Math.Round(amountMinor * basisPoints / 10_000m, MidpointRounding.AwayFromZero);

    /// <summary>Whether it falls on <paramref name="day"/> in the network's own time zone.</summary>
    public static bool OnDay(DateTimeOffset time, DateOnly day, TimeSpan offset) => DateOnly.FromDateTime(time.ToOffset(offset).DateTime) == day;
}
