using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paygate.Adapters.Http;

/// <summary>
/// A timestamped HMAC-SHA256 signature header, <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c> with v1 = HMAC-SHA256(secret, "t.body"),
/// as the card acquirer signs its answers and webhooks and the bank its SWIFT and account interfaces.
/// </summary>
internal static class HmacSignature
{
    /// <summary>Why the signature in header <paramref name="name"/> does not hold for <paramref name="body"/>, or null when it does.</summary>
    public static string? Refusal(string name, IReadOnlyDictionary<string, string> headers, string body, string secret, DateTimeOffset now, int maxSkewSeconds)
    {
        if (!headers.TryGetValue(name, out var header))
        {
            return $"{name} header missing";
        }
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2))
        {
            // Which of two timestamps or signatures would count is ambiguous: such a header is refused, not guessed at.
            if (!parts.TryAdd(part[0].Trim(), part[1].Trim()))
            {
                return $"{name} header names a key twice";
            }
        }
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return $"{name} header malformed";
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

    /// <summary>The header value for <paramref name="body"/> at <paramref name="now"/>.</summary>
    public static string Sign(string secret, DateTimeOffset now, string body)
    {
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")))}";
    }
}
