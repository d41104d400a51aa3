using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paygate.Simulators.Signing;

/// <summary>
/// The timestamped HMAC-SHA256 signature header the acquirer and the bank put on their answers and notifications:
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.
/// </summary>
internal static class HmacHeader
{
    public static string Sign(string body, string secret, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")))}";
    }
}
