using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Paygate.EndToEnd.Tests;

/// <summary>A throwaway certificate authority (ECDSA P-256) that issues server certificates for this machine.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2 _root;

    public TestCertificateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Certificate = X509CertificateLoader.LoadCertificate(_root.RawData);
    }

    /// <summary>The root's certificate alone, without its key: what a client is told to trust.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A server certificate for <c>127.0.0.1</c> and <c>localhost</c>, with its private key.</summary>
    public X509Certificate2 IssueForLoopback()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(_root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Writes the certificate and its private key as PEM files Kestrel loads (<c>Certificate:Path</c> and
    /// <c>Certificate:KeyPath</c>); both are created owner-only, never readable by anyone else even for a moment.
    /// </summary>
    public static (string CertificatePath, string KeyPath) WritePem(X509Certificate2 certificate, string folder)
    {
        var certificatePath = Path.Combine(folder, "server.crt");
        var keyPath = Path.Combine(folder, "server.key");
        WriteOwnerOnly(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        WriteOwnerOnly(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(text);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _root.Dispose();
    }
}
