using System.Security.Cryptography;
using System.Text;

namespace Paygate.Gateway.Risk.Verification;

/// <summary>
/// One-time codes for risk challenges: drawn from a cryptographic generator, kept only as a keyed hash (HMAC-SHA256 under
/// a key derived from the gateway's secret, over the payment id and the code) and compared in constant time. A code
/// of one payment does not verify another's, and the database alone cannot be searched for it.
/// </summary>
public sealed class VerificationCodes(byte[] key)
{
    /// <summary>A fresh code of <paramref name="length"/> digits.</summary>
    public static string NewCode(int length)
    {
        var digits = new char[length];
        for (var i = 0; i < length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }
        return new string(digits);
    }

    /// <summary>The keyed hash kept for <paramref name="code"/>, lowercase hex.</summary>
    public string Hash(string paymentId, string code) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(paymentId + "\n" + code)));

    /// <summary>Whether <paramref name="code"/> is the one whose hash is <paramref name="expectedHash"/>.</summary>
    public bool Matches(string paymentId, string code, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(paymentId, code)), Encoding.ASCII.GetBytes(expectedHash));
}
