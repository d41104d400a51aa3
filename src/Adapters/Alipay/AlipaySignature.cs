using System.Security.Cryptography;
using System.Text;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.Alipay;

/// <summary>Alipay's RSA2 signature rule: sorted <c>k=v&amp;k=v</c> of raw values, SHA256withRSA, Base64.</summary>
internal static class AlipaySignature
{
    /// <summary>The string to sign: every non-empty parameter not in <paramref name="excluded"/>, keys in ordinal order.</summary>
    public static string SignContent(IEnumerable<KeyValuePair<string, string>> parameters, params string[] excluded) =>
        ChannelForm.Content(parameters, skipEmpty: true, excluded);

    public static string Sign(string content, RSA privateKey) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(string content, string? signature, RSA publicKey)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return publicKey.VerifyData(Encoding.UTF8.GetBytes(content), raw, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
