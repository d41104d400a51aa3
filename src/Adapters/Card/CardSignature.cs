using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paygate.Adapters.Card;

/// <summary>
/// The acquirer's response and webhook signature: header <c>Acquirer-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// where v1 = HMAC-SHA256(secret, "t.body"), as modern acquirers sign their webhooks.
/// </summary>
internal static class CardSignature
{
    public const string Header = "Acquirer-Signature";

    public static string? Refusal(IReadOnlyDictionary<string, string> headers, string body, string secret, DateTimeOffset now, int maxSkewSeconds)
    {
        if (!headers.TryGetValue(Header, out var header))
        {
            return "Acquirer-Signature header missing";
        }
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return "Acquirer-Signature header malformed";
        }
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > maxSkewSeconds)
        {
            return "signature timestamp too far from now (possible replay)";
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return "signature is not hex";
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "signature verification failed";
    }
}
