using Paygate.Adapters.Money;

namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// The currency of a bank entry. A bank may book a currency the gateway does not collect (a payer's mistake, a foreign
/// transfer): such an entry is still read, in a currency described here with its ISO 4217 minor units, and held for review.
/// </summary>
public static class BankCurrency
{
    // ISO 4217 currencies whose minor units are not 2 (the rest of the list has 2).
    private static readonly HashSet<string> NoMinorUnits =
        new(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"], StringComparer.Ordinal);

    private static readonly HashSet<string> ThreeMinorUnits = new(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], StringComparer.Ordinal);

    /// <summary>The currency named by an ISO 4217 alphabetic code (three capital letters), collected or not; false for anything else.</summary>
    public static bool TryFind(string? code, out Currency currency)
    {
        if (Currency.TryFind(code, out currency))
        {
            return true;
        }
        if (code is not { Length: 3 } || !code.All(char.IsAsciiLetterUpper))
        {
            return false;
        }
        currency = new Currency(code, 0, NoMinorUnits.Contains(code) ? 0 : ThreeMinorUnits.Contains(code) ? 3 : 2);
        return true;
    }

    /// <summary>Whether the gateway collects this currency at all.</summary>
    public static bool IsCollected(Currency currency) => Currency.TryFind(currency.Code, out _);
}
