using System.Security.Cryptography;
using System.Text;
using Paygate.Adapters.Contract;

namespace Paygate.Gateway.Risk;

/// <summary>
/// Names a card without revealing it: HMAC-SHA256 under a key derived from the gateway's secret, over the number (or the
/// acquirer token), so the same card always has the same fingerprint here, risk lists can name it, and nobody without the
/// key can test a guessed number against it (a plain hash of a 16-digit number falls to a brute-force search).
/// </summary>
public sealed class CardFingerprints(byte[] key)
{
    /// <summary>The card's fingerprint, <c>fp_</c> and 32 hex digits.</summary>
    public string Of(PaymentCard card)
    {
        var subject = card.Number is { } number ? "pan:" + number : "token:" + card.Token;
        return "fp_" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(subject)))[..32];
    }
}
