using Paygate.Adapters.Money;

namespace Paygate.Gateway.Fx;

/// <summary>A conversion quoted at a rate that holds until <paramref name="ExpireTime"/>.</summary>
/// <param name="Id">The quote's id, <c>fxq_...</c>.</param>
/// <param name="From">The amount in the payer's currency.</param>
/// <param name="To">The converted amount, in the currency the channel settles in.</param>
/// <param name="Rate">Units of To's currency per unit of From's.</param>
/// <param name="RatesAsOf">When the rate table was taken.</param>
/// <param name="CreateTime">When the quote was made.</param>
/// <param name="ExpireTime">Until when it holds.</param>
public sealed record FxQuote(string Id, Money From, Money To, decimal Rate, DateTimeOffset RatesAsOf, DateTimeOffset CreateTime, DateTimeOffset ExpireTime);

/// <summary>
/// The conversion rule. Amounts are exact integers in minor units; the converted amount is
/// <c>from_minor / 10^from_units * rate * 10^to_units</c> computed in decimal and rounded half-up (away from zero) to
/// the target currency's minor units, so 0.5 of a minor unit goes to the larger amount. JPY has no minor units, so a
/// conversion to JPY rounds to a whole yen. A result that does not fit a 64-bit amount, or rounds to zero, is refused.
/// </summary>
public static class FxConversion
{
    public static bool TryConvert(Money from, Currency to, decimal rate, out Money converted, out string? problem)
    {
        converted = default;
        try
        {
            var major = (decimal)from.AmountMinor / from.Currency.MinorPerMajor;
            var target = Math.Round(major * rate * to.MinorPerMajor, 0, MidpointRounding.AwayFromZero);
            if (target > long.MaxValue)
            {
                problem = $"{from} converted to {to.Code} does not fit a 64-bit amount";
                return false;
            }
            if (target <= 0)
            {
                problem = $"{from} converted to {to.Code} rounds to nothing";
                return false;
            }
            converted = new Money((long)target, to);
            problem = null;
            return true;
        }
        catch (OverflowException)
        {
            problem = $"{from} converted to {to.Code} does not fit a 64-bit amount";
            return false;
        }
    }

    /// <summary>
    /// The part of a settled amount that a refund gives back: the cumulative share up to and including this refund less
    /// the share before it, each rounded half-up, so that refunds of the whole payment give back exactly the settled total.
    /// </summary>
    public static long ShareOf(long settledTotal, long paymentTotal, long refundedBefore, long refund)
    {
        static long Share(long settled, long total, long part) =>
            (long)Math.Round((decimal)settled * part / total, 0, MidpointRounding.AwayFromZero);
        return Share(settledTotal, paymentTotal, refundedBefore + refund) - Share(settledTotal, paymentTotal, refundedBefore);
    }
}
