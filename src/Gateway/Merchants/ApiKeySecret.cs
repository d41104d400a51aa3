using System.Security.Cryptography;
using System.Text;

namespace Paygate.Gateway.Merchants;

/// <summary>
/// The secret form of API keys: <c>sk_test_</c> / <c>sk_live_</c> for merchants, <c>ok_test_</c> / <c>ok_live_</c> for operators,
/// then 43 base62 characters (256 bits from the system's CSPRNG). Only the SHA-256 is stored: with that much entropy a slow
/// hash adds nothing, and a fast one keeps authentication cheap.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>Base62: exactly the ASCII letters and digits.</summary>
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 43;
    /// <summary>How much of a secret is kept visible: the role, the environment and four random characters.</summary>
    public const int PrefixLength = 12;
    /// <summary>The longest authorization header value worth reading: anything longer is refused before any work.</summary>
    public const int MaxLength = 64;

    public static string New(KeyRole role, string mode)
    {
        var text = new StringBuilder(RoleWord(role)).Append('_').Append(mode).Append('_');
        for (var i = 0; i < RandomLength; i++)
        {
            text.Append(Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]);
        }
        return text.ToString();
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    public static string Prefix(string secret) => secret[..PrefixLength];

    /// <summary>
    /// Reads a presented secret's shape: its role and environment, or why it is not a key at all (without looking anything
    /// up: the answer depends only on what the caller sent).
    /// </summary>
    public static bool TryParse(string secret, out KeyRole role, out string mode, out string problem)
    {
        role = default;
        mode = "";
        problem = "";
        var parts = secret.Split('_');
        if (secret.Length != 8 + RandomLength || parts.Length != 3 || parts[2].Length != RandomLength || !parts[2].All(char.IsAsciiLetterOrDigit))
        {
            problem = "is not an API key (sk_test_..., sk_live_..., ok_test_... or ok_live_...)";
            return false;
        }
        KeyRole? parsedRole = parts[0] switch { "sk" => KeyRole.Merchant, "ok" => KeyRole.Operator, _ => null };
        if (parsedRole is null || parts[1] is not ("test" or "live"))
        {
            problem = "is not an API key (sk_test_..., sk_live_..., ok_test_... or ok_live_...)";
            return false;
        }
        role = parsedRole.Value;
        mode = parts[1];
        return true;
    }

    private static string RoleWord(KeyRole role) => role == KeyRole.Operator ? "ok" : "sk";
}
