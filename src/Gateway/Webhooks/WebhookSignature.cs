using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// The <c>Paygate-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>.
/// The timestamp is signed with the body, so a receiver can refuse old replays (docs/webhooks.md).
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "Paygate-Signature";

    public static string Header(string secret, DateTimeOffset time, string body)
    {
        var t = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Compute(secret, t, body)}";
    }

    /// <summary>
    /// What a receiver does: checks the header's HMAC over its timestamp and the raw body (in constant time) and that
    /// the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        // A header may repeat v1 (several signatures, e.g. while a secret is rotated): any one of them may match.
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).Select(p => (Key: p[0].Trim(), Value: p[1].Trim())).ToList();
        var t = parts.Where(p => p.Key == "t").Select(p => p.Value).ToList();
        if (t.Count != 1 || !long.TryParse(t[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Compute(secret, t[0], body));
        return parts.Where(p => p.Key == "v1").Aggregate(false, (matched, v1) => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(v1.Value)) | matched);
    }

    private static string Compute(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
