using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.UnionPay;

/// <summary>
/// ACP signMethod 01: the sorted <c>k=v&amp;...</c> of every field but <c>signature</c>, its SHA-256 written as
/// lowercase hex, and that hex string's UTF-8 bytes signed with SHA256withRSA, Base64. Answers carry the signer's
/// certificate (<c>signPubKeyCert</c>), which must be UnionPay's signer (<see cref="UnionPayTrust"/>).
/// </summary>
internal static class UnionPaySignature
{
    public static string Content(IReadOnlyDictionary<string, string> fields) => ChannelForm.Content(fields, skipEmpty: false, "signature");

    private static byte[] Digest(IReadOnlyDictionary<string, string> fields) =>
        Encoding.UTF8.GetBytes(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Content(fields)))).ToLowerInvariant());

    public static string Sign(IReadOnlyDictionary<string, string> fields, RSA key) =>
        Convert.ToBase64String(key.SignData(Digest(fields), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The certificate serial number in decimal, as <c>certId</c> wants it.</summary>
    public static string CertId(X509Certificate2 certificate) =>
        BigInteger.Parse("0" + certificate.SerialNumber, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    /// <summary>Why an answer or notification fails verification, or null when it passes.</summary>
    public static string? Refusal(IReadOnlyDictionary<string, string> fields, UnionPayTrust trust, DateTimeOffset now)
    {
        if (!fields.TryGetValue("signPubKeyCert", out var pem) || !fields.TryGetValue("signature", out var signature))
        {
            return "signPubKeyCert or signature missing";
        }
        if (ChannelForm.Ambiguity(fields, skipEmpty: false, bracesGroup: true, "signature") is { } ambiguity)
        {
            return ambiguity;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return "signPubKeyCert is not a certificate";
        }
        using (certificate)
        {
            try
            {
                return trust.Refusal(certificate, now) ?? Verify(certificate, fields, signature);
            }
            catch (CryptographicException)
            {
                // A certificate that parses but is damaged inside (key, extensions): a forgery, not a fault of ours.
                return "signPubKeyCert is not a usable certificate";
            }
        }
    }

    private static string? Verify(X509Certificate2 certificate, IReadOnlyDictionary<string, string> fields, string signature)
    {
        using var key = certificate.GetRSAPublicKey();
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return "signature is not Base64";
        }
        return key is not null && key.VerifyData(Digest(fields), raw, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null
            : "signature verification failed";
    }

    /// <summary>
    /// Reads a synchronous answer: raw <c>k=v</c> pairs joined by '&amp;' (not URL-encoded), split at each pair's
    /// first '=', with <c>{...}</c> and <c>[...]</c> read as one value as UnionPay's SDK does. Null when a field
    /// appears twice: which one the signature covered is not knowable.
    /// </summary>
    public static Dictionary<string, string>? ParseAnswer(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ChannelForm.Split(body, bracesGroup: true))
        {
            if (key.Length > 0 && !fields.TryAdd(key, value))
            {
                return null;
            }
        }
        return fields;
    }
}
