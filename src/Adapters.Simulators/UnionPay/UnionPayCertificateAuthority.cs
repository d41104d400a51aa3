using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Paygate.Simulators.UnionPay;

/// <summary>
/// The simulator's own test PKI, generated at start-up and shaped like UnionPay's: a root CA, an intermediate ("middle")
/// CA it issues, and under the intermediate UnionPay's signing certificate (CN <c>041@...@中国银联股份有限公司@...</c>, the
/// organisation in the third <c>@</c> part) and the sandbox merchants' signing certificates.
/// </summary>
internal sealed class UnionPayCertificateAuthority : IDisposable
{
    public const string UnionPayOrganisation = "中国银联股份有限公司";
    public const string SigningCommonName = "041@8310000000000000@" + UnionPayOrganisation + "@00000001";

    private readonly RSA _middleKey;

    public UnionPayCertificateAuthority(DateTimeOffset now)
    {
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Paygate Simulated CFCA Root, O=Paygate Simulators", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        _middleKey = RSA.Create(2048);
        var middleRequest = new CertificateRequest("CN=Paygate Simulated CFCA OCA, O=Paygate Simulators", _middleKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        middleRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        middleRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var middle = middleRequest.Create(Root, now.AddDays(-1), now.AddYears(5), Serial());
        Middle = middle.CopyWithPrivateKey(_middleKey);

        SigningKey = RSA.Create(2048);
        Signing = Issue($"CN={SigningCommonName}, O=China UnionPay, C=CN", SigningKey, now);
    }

    public X509Certificate2 Root { get; }
    /// <summary>The intermediate CA that issues UnionPay's signing certificate and the merchants'.</summary>
    public X509Certificate2 Middle { get; }
    public X509Certificate2 Signing { get; }
    public RSA SigningKey { get; }

    /// <summary>A certificate for <paramref name="key"/> issued by the intermediate CA, valid from yesterday for two years.</summary>
    public X509Certificate2 Issue(string subject, RSA key, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        return request.Create(Middle, now.AddDays(-1), now.AddYears(2), Serial());
    }

    public static string CertId(X509Certificate2 certificate) =>
        BigInteger.Parse("0" + certificate.SerialNumber, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        return serial;
    }

    public void Dispose()
    {
        Root.Dispose();
        Middle.Dispose();
        _middleKey.Dispose();
        Signing.Dispose();
        SigningKey.Dispose();
    }
}
