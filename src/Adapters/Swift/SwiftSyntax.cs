using System.Numerics;

namespace Paygate.Adapters.Swift;

/// <summary>The SWIFT FIN building blocks: character set X, BIC and IBAN (PROTOCOLS.md, "SWIFT MT103").</summary>
public static class SwiftSyntax
{
    private const string XExtra = "/-?:().,'+ ";

    /// <summary>IBAN lengths by country (ISO 13616 registry, the countries a cross-border merchant meets most).</summary>
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AT"] = 20,
        ["BE"] = 16,
        ["CH"] = 21,
        ["CZ"] = 24,
        ["DE"] = 22,
        ["DK"] = 18,
        ["ES"] = 24,
        ["FI"] = 18,
        ["FR"] = 27,
        ["GB"] = 22,
        ["GR"] = 27,
        ["HU"] = 28,
        ["IE"] = 22,
        ["IT"] = 27,
        ["LU"] = 20,
        ["NL"] = 18,
        ["NO"] = 15,
        ["PL"] = 28,
        ["PT"] = 25,
        ["SE"] = 24,
        ["SA"] = 24,
        ["AE"] = 23,
        ["TR"] = 26,
    };

    /// <summary>The first character outside character set X (letters, digits, <c>/ - ? : ( ) . , ' +</c>, space), or null.</summary>
    public static char? FirstOutsideX(string text)
    {
        foreach (var c in text)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9') && !XExtra.Contains(c))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>A BIC: <c>4!a2!a2!c[3!c]</c> (institution, country, location, optional branch), upper case.</summary>
    public static bool IsBic(string? bic) =>
        bic is { Length: 8 or 11 }
        && bic[..6].All(c => c is >= 'A' and <= 'Z')
        && bic[6..].All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9');

    /// <summary>Whether <paramref name="account"/> has an IBAN's shape (two letters, two digits, then letters and digits).</summary>
    public static bool LooksLikeIban(string account) =>
        account.Length >= 5 && char.IsAsciiLetterUpper(account[0]) && char.IsAsciiLetterUpper(account[1])
        && char.IsAsciiDigit(account[2]) && char.IsAsciiDigit(account[3]) && account.All(char.IsAsciiLetterOrDigit);

    /// <summary>Why <paramref name="iban"/> is not a valid IBAN (length for its country, mod-97 check), or null when it is.</summary>
    public static string? IbanProblem(string iban)
    {
        if (!LooksLikeIban(iban) || iban.Length > 34)
        {
            return "an IBAN is two letters, two check digits and up to 30 letters or digits";
        }
        if (IbanLengths.TryGetValue(iban[..2], out var length) && iban.Length != length)
        {
            return $"an IBAN of {iban[..2]} has {length} characters, not {iban.Length}";
        }
        return Mod97(iban[4..] + iban[..4]) == 1 ? null : "the IBAN's check digits are wrong (mod 97 is not 1)";
    }

    /// <summary>The two check digits for a country and BBAN: 98 minus mod 97 of the number with <c>00</c> in their place.</summary>
    public static string IbanCheckDigits(string country, string bban) => (98 - Mod97(bban + country + "00")).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    private static int Mod97(string rearranged)
    {
        var digits = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return (int)(BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) % 97);
    }
}
