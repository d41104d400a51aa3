using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.UnionPay;

namespace Paygate.Adapters.Tests.UnionPay;

/// <summary>
/// A test PKI shaped like UnionPay's: a root, an intermediate ("middle") CA the root issued, and UnionPay's signing
/// certificate issued by the intermediate with a CN of four <c>@</c>-separated parts, the organisation third.
/// </summary>
internal sealed class UnionPayTestPki : IDisposable
{
    public const string SignerCommonName = "041@8310000000000000@中国银联股份有限公司@00000001";
    private static readonly RSA RootKey = RSA.Create(2048);
    private static readonly RSA MiddleKey = RSA.Create(2048);

    public UnionPayTestPki(DateTimeOffset now)
    {
        Now = now;
        var rootRequest = new CertificateRequest("CN=Test CFCA Root", RootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Root = rootRequest.CreateSelfSigned(now.AddYears(-1), now.AddYears(5));
        Middle = CreateIntermediate("CN=Test CFCA OCA", MiddleKey);
        Signer = Issue($"CN={SignerCommonName}, O=China UnionPay", SignerKey, Middle, [0x01, 0x23]);
    }

    public static RSA SignerKey { get; } = RSA.Create(2048);
    public DateTimeOffset Now { get; }
    public X509Certificate2 Root { get; }
    /// <summary>The intermediate, with its private key, so that tests can issue under it.</summary>
    public X509Certificate2 Middle { get; }
    public X509Certificate2 Signer { get; }

    /// <summary>An intermediate CA under the root, with its private key.</summary>
    public X509Certificate2 CreateIntermediate(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var issued = request.Create(Root, Now.AddYears(-1), Now.AddYears(3), [0x0A]);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>An end-entity certificate for <paramref name="key"/> issued by <paramref name="issuer"/>, valid now unless told.</summary>
    public X509Certificate2 Issue(string subject, RSA key, X509Certificate2 issuer, byte[] serial, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .Create(issuer, notBefore ?? Now.AddDays(-10), notAfter ?? Now.AddYears(1), serial);

    /// <summary>
    /// The UnionPay channel of a merchant holding <paramref name="merchantCert"/>, trusting this PKI, pointed at <paramref name="baseUrl"/>,
    /// with any more <paramref name="settings"/> (e.g. the HTTP client's resilience, <c>ChannelHttp:...</c>).
    /// </summary>
    public ServiceProvider ChannelServices(string? baseUrl, string merId, X509Certificate2 merchantCert, TimeProvider clock,
        IReadOnlyDictionary<string, string?>? settings = null) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Channels:UnionPay:BaseUrl"] = baseUrl,
                ["Channels:UnionPay:MerId"] = merId,
                ["Channels:UnionPay:SigningCertificatePem"] = merchantCert.ExportCertificatePem(),
                ["Channels:UnionPay:PrivateKeyPem"] = TestKeys.Merchant.ExportPkcs8PrivateKeyPem(),
                ["Channels:UnionPay:RootCertificatePem"] = Root.ExportCertificatePem(),
                ["Channels:UnionPay:MiddleCertificatePem"] = Middle.ExportCertificatePem(),
                ["Channels:UnionPay:TimeoutSeconds"] = "2",
            }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build())
            .AddSingleton(clock)
            .AddLogging()
            .AddUnionPayChannel()
            .BuildServiceProvider();

    /// <summary>Fields signed as UnionPay signs them: its certificate attached, SHA-256 hex of the sorted fields, SHA256withRSA.</summary>
    public static Dictionary<string, string> Signed(Dictionary<string, string> fields, X509Certificate2 signer, RSA key)
    {
        fields["signPubKeyCert"] = signer.ExportCertificatePem();
        var content = string.Join('&', fields.Where(f => f.Key != "signature").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();
        fields["signature"] = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(hex), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return fields;
    }

    public void Dispose()
    {
        Root.Dispose();
        Middle.Dispose();
        Signer.Dispose();
    }
}
