using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paygate.Adapters.WeChatPay;

/// <summary>
/// WeChat Pay v3's signatures: the request <c>Authorization</c> header, the <c>Wechatpay-*</c> headers of
/// responses and notifications, and the AEAD_AES_256_GCM encryption of notification resources.
/// </summary>
internal static class WeChatPaySignature
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    /// <summary>The <c>Authorization</c> header value for one request.</summary>
    public static string Authorization(string method, string pathAndQuery, string body, string mchId, string serialNo, RSA key, long timestamp, string nonce)
    {
        var message = $"{method}\n{pathAndQuery}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{nonce}\n{body}\n";
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return $"{Scheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp.ToString(CultureInfo.InvariantCulture)}\",serial_no=\"{serialNo}\"";
    }

    /// <summary>
    /// Why a response or notification fails verification, or null when it passes: the serial must name a known
    /// platform key, the timestamp must be recent, and the signature must cover <c>TIMESTAMP\nNONCE\nBODY\n</c>.
    /// </summary>
    public static string? Refusal(IReadOnlyDictionary<string, string> headers, string body, IReadOnlyDictionary<string, RSA> platformKeys, DateTimeOffset now, int maxSkewSeconds)
    {
        if (!headers.TryGetValue("Wechatpay-Serial", out var serial) || !headers.TryGetValue("Wechatpay-Timestamp", out var timestampText)
            || !headers.TryGetValue("Wechatpay-Nonce", out var nonce) || !headers.TryGetValue("Wechatpay-Signature", out var signature))
        {
            return "Wechatpay-* signature headers missing";
        }
        if (!platformKeys.TryGetValue(serial, out var key))
        {
            return $"unknown platform serial '{serial}'";
        }
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > maxSkewSeconds)
        {
            return "timestamp missing or too far from now (possible replay)";
        }
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return "signature is not Base64";
        }
        var message = $"{timestampText}\n{nonce}\n{body}\n";
        return key.VerifyData(Encoding.UTF8.GetBytes(message), raw, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null
            : "signature verification failed";
    }

    /// <summary>Decrypts a notification resource: AES-256-GCM, Base64 ciphertext whose last 16 bytes are the tag.</summary>
    public static string Decrypt(string apiV3Key, string nonce, string associatedData, string ciphertext)
    {
        var data = Convert.FromBase64String(ciphertext);
        if (data.Length < 16)
        {
            throw new CryptographicException("ciphertext shorter than the tag");
        }
        var plaintext = new byte[data.Length - 16];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), 16);
        aes.Decrypt(Encoding.UTF8.GetBytes(nonce), data.AsSpan(0, data.Length - 16), data.AsSpan(data.Length - 16), plaintext, Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plaintext);
    }
}
