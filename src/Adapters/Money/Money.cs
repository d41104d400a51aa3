using System.Globalization;

namespace Paygate.Adapters.Money;

/// <summary>An amount in integer minor units of a currency. The one money type of the code base.</summary>
public readonly record struct Money(long AmountMinor, Currency Currency)
{
    /// <summary>
    /// The amount as a decimal string in major units with exactly the currency's minor digits
    /// (e.g. 1234 CNY -> "12.34", 500 JPY -> "500"), as networks such as Alipay want it.
    /// </summary>
    public string ToMajorUnitString()
    {
        if (Currency.MinorUnits == 0)
        {
            return AmountMinor.ToString(CultureInfo.InvariantCulture);
        }
        var sign = AmountMinor < 0 ? "-" : "";
        var abs = (ulong)Math.Abs((decimal)AmountMinor);
        var per = (ulong)Currency.MinorPerMajor;
        var fraction = (abs % per).ToString(CultureInfo.InvariantCulture).PadLeft(Currency.MinorUnits, '0');
        return $"{sign}{abs / per}.{fraction}";
    }

    /// <summary>
    /// Parses a major-unit decimal string ("12.34") exactly into minor units. Refuses more decimals than
    /// the currency has, signs, exponents and anything that is not plain digits.
    /// </summary>
    public static bool TryParseMajorUnits(string? text, Currency currency, out Money money)
    {
        money = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var parts = text.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiDigit))
        {
            return false;
        }
        var fraction = parts.Length == 2 ? parts[1] : "";
        if (parts.Length == 2 && (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit)))
        {
            return false;
        }
        if (fraction.Length > currency.MinorUnits)
        {
            return false;
        }
        try
        {
            checked
            {
                var whole = long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
                var minor = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(currency.MinorUnits, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
                money = new Money(whole * currency.MinorPerMajor + minor, currency);
                return true;
            }
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public override string ToString() => $"{ToMajorUnitString()} {Currency.Code}";
}
