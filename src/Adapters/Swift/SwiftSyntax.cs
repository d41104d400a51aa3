using System.Numerics;

namespace Paygate.Adapters.Swift;

/// <summary>The SWIFT FIN building blocks: character set X, BIC and IBAN (PROTOCOLS.md, "SWIFT MT103").</summary>
public static class SwiftSyntax
{
    private const string XExtra = "/-?:().,'+ ";

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

    /// <summary>
    /// Why <paramref name="iban"/> is not a valid IBAN (a country of the registry, that country's length, the mod-97 check), or
    /// null when it is.
    /// </summary>
    public static string? IbanProblem(string iban)
    {
        if (!LooksLikeIban(iban) || iban.Length > 34)
        {
            return "an IBAN is two letters, two check digits and up to 30 letters or digits";
        }
        if (IbanRegistry.Find(iban[..2]) is not { } country)
        {
            return $"'{iban[..2]}' is not a country of the IBAN registry";
        }
        if (iban.Length != country.Length)
        {
            return $"an IBAN of {country.Code} ({country.Country}) has {country.Length} characters, not {iban.Length}";
        }
        // 98 minus a remainder is 02 to 98: 00, 01 and 99 pass mod 97 only as aliases of 97, 98 and 02.
        return iban[2..4] is not ("00" or "01" or "99") && Mod97(iban[4..] + iban[..4]) == 1 ? null : "the IBAN's check digits are wrong (mod 97 is not 1)";
    }

    /// <summary>The two check digits for a country and BBAN: 98 minus mod 97 of the number with <c>00</c> in their place.</summary>
    public static string IbanCheckDigits(string country, string bban) => (98 - Mod97(bban + country + "00")).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    private static int Mod97(string rearranged)
    {
        var digits = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return (int)(BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) % 97);
    }
}
