using System.Globalization;
using System.Text;

namespace Paygate.Gateway.Risk;

/// <summary>How names are compared for sanctions screening: normalised tokens, Jaro-Winkler between tokens.</summary>
public static class NameMatching
{
    /// <summary>
    /// A name as lower-case ASCII-folded tokens: accents dropped (<c>José</c> is <c>jose</c>), punctuation a separator
    /// (<c>O'Brien-Smith</c> is <c>o brien smith</c>), so that spelling habits do not hide a listed name.
    /// </summary>
    public static string[] Tokens(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The Jaro-Winkler similarity of two tokens, 0 (nothing alike) to 1 (equal); a common prefix of up to 4 counts extra.</summary>
    public static double JaroWinkler(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 1 : 0;
        }
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 1;
        }
        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> aMatched = a.Length <= 64 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= 64 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (!bMatched[j] && a[i] == b[j])
                {
                    aMatched[i] = bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }
        if (matches == 0)
        {
            return 0;
        }
        var transpositions = 0;
        for (int i = 0, k = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }
            while (!bMatched[k])
            {
                k++;
            }
            if (a[i] != b[k])
            {
                transpositions++;
            }
            k++;
        }
        double m = matches;
        var jaro = (m / a.Length + m / b.Length + (m - transpositions / 2.0) / m) / 3;
        var prefix = 0;
        while (prefix < Math.Min(4, Math.Min(a.Length, b.Length)) && a[prefix] == b[prefix])
        {
            prefix++;
        }
        return jaro + prefix * 0.1 * (1 - jaro);
    }

    /// <summary>
    /// How alike two names are, 0 to 1, whatever the order of their tokens: each token's best match in the other name, averaged
    /// both ways (so an extra or a missing token lowers the score without sinking it).
    /// </summary>
    public static double Similarity(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }
        return (OneWay(a, b) + OneWay(b, a)) / 2;

        static double OneWay(string[] from, string[] to)
        {
            double sum = 0;
            foreach (var token in from)
            {
                double best = 0;
                foreach (var other in to)
                {
                    best = Math.Max(best, JaroWinkler(token, other));
                }
                sum += best;
            }
            return sum / from.Length;
        }
    }
}
