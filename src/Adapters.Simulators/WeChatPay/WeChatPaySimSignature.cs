using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Paygate.Simulators.WeChatPay;

/// <summary>The network side of WeChat Pay v3's signatures and encryption, independent of the adapter's code.</summary>
internal static partial class WeChatPaySimSignature
{
    /// <summary>The fields of a <c>WECHATPAY2-SHA256-RSA2048</c> Authorization header, or null when it is not one.</summary>
    public static Dictionary<string, string>? ParseAuthorization(string? header)
    {
        const string scheme = "WECHATPAY2-SHA256-RSA2048 ";
        if (header is null || !header.StartsWith(scheme, StringComparison.Ordinal))
        {
            return null;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in AuthField().Matches(header[scheme.Length..]))
        {
            fields[m.Groups[1].Value] = m.Groups[2].Value;
        }
        return fields;
    }

    public static bool Verify(string message, string signature, RSA key)
    {
        try
        {
            return key.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string Sign(string message, RSA key) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>AEAD_AES_256_GCM as WeChat Pay uses it: Base64 of ciphertext followed by the 16-byte tag.</summary>
    public static string Encrypt(string apiV3Key, string nonce, string associatedData, string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[data.Length + 16];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), data, output.AsSpan(0, data.Length), output.AsSpan(data.Length), Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }

    [GeneratedRegex("([a-z_]+)=\"([^\"]*)\"")]
    private static partial Regex AuthField();
}
