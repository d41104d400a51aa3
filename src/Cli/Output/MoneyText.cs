using System.Globalization;

namespace Paygate.Cli.Output;

/// <summary>Shows an amount in minor units in its currency's major units (<c>12345 CNY</c> -> <c>123.45 CNY</c>); the JSON keeps minor units.</summary>
public static class MoneyText
{
    private static readonly HashSet<string> NoDecimals = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
    private static readonly HashSet<string> ThreeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    public static string Format(long amountMinor, string currency)
    {
        var digits = NoDecimals.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;
        var major = amountMinor / (decimal)Math.Pow(10, digits);
        return major.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + currency;
    }
}
