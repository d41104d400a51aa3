using System.Security.Cryptography;
using System.Text;

namespace Paygate.Simulators.UnionPay;

/// <summary>The network side of ACP signMethod 01, independent of the adapter's code.</summary>
internal static class UnionPaySimSignature
{
    private static byte[] HexDigest(IReadOnlyDictionary<string, string> fields)
    {
        var keys = fields.Keys.Where(k => k != "signature").ToList();
        keys.Sort(string.CompareOrdinal);
        var content = string.Join("&", keys.Select(k => k + "=" + fields[k]));
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();
        return Encoding.UTF8.GetBytes(hex);
    }

    public static string Sign(IReadOnlyDictionary<string, string> fields, RSA key) =>
        Convert.ToBase64String(key.SignData(HexDigest(fields), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(IReadOnlyDictionary<string, string> fields, RSA key)
    {
        if (!fields.TryGetValue("signature", out var signature))
        {
            return false;
        }
        try
        {
            return key.VerifyData(HexDigest(fields), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
