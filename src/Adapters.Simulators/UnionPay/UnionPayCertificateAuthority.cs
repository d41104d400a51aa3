using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Paygate.Simulators.UnionPay;

/// <summary>
/// The simulator's own test PKI, generated at start-up: a root CA, UnionPay's signing certificate issued by it
/// (CN 中国银联股份有限公司), and merchant signing certificates for sandbox merchants.
/// </summary>
internal sealed class UnionPayCertificateAuthority : IDisposable
{
    public const string UnionPayCommonName = "中国银联股份有限公司";

    public UnionPayCertificateAuthority(DateTimeOffset now)
    {
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Paygate Simulated CFCA Root, O=Paygate Simulators", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        SigningKey = RSA.Create(2048);
        Signing = Issue($"CN={UnionPayCommonName}, O=China UnionPay, C=CN", SigningKey, now);
    }

    public X509Certificate2 Root { get; }
    public X509Certificate2 Signing { get; }
    public RSA SigningKey { get; }

    /// <summary>A certificate for <paramref name="key"/> issued by the root, valid from yesterday for two years.</summary>
    public X509Certificate2 Issue(string subject, RSA key, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        return request.Create(Root, now.AddDays(-1), now.AddYears(2), serial);
    }

    public static string CertId(X509Certificate2 certificate) =>
        BigInteger.Parse("0" + certificate.SerialNumber, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Root.Dispose();
        Signing.Dispose();
        SigningKey.Dispose();
    }
}
