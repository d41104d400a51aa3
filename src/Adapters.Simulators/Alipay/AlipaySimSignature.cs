using System.Security.Cryptography;
using System.Text;

namespace Paygate.Simulators.Alipay;

/// <summary>
/// The network side of Alipay's RSA2 rule, written independently of the adapter's so that a bug on one side
/// cannot hide the same bug on the other.
/// </summary>
internal static class AlipaySimSignature
{
    public static string Content(IReadOnlyDictionary<string, string> fields, params string[] skip)
    {
        var keys = fields.Keys.Where(k => !skip.Contains(k) && fields[k].Length > 0).ToList();
        keys.Sort(string.CompareOrdinal);
        var sb = new StringBuilder();
        foreach (var key in keys)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }
            sb.Append(key).Append('=').Append(fields[key]);
        }
        return sb.ToString();
    }

    public static string Sign(string content, RSA key) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(string content, string signature, RSA key)
    {
        try
        {
            return key.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
