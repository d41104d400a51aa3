using System.Security.Cryptography.X509Certificates;

namespace Paygate.Adapters.UnionPay;

/// <summary>
/// What makes a certificate UnionPay's signer, as UnionPay's ACP SDK checks it: issued by UnionPay's intermediate
/// ("middle") certificate, which the root issued, valid now, and naming UnionPay in the organisation part of its CN (the
/// third of its <c>@</c>-separated parts; the others are a certificate type and serial numbers, which change).
/// </summary>
/// <param name="Root">UnionPay's root certificate, the only trust anchor.</param>
/// <param name="Middle">UnionPay's intermediate certificate: the signer's issuer.</param>
/// <param name="Organisation">The organisation part the signer's CN must carry.</param>
internal sealed record UnionPayTrust(X509Certificate2 Root, X509Certificate2 Middle, string Organisation)
{
    /// <summary>Why <paramref name="signer"/> is not UnionPay's signer at <paramref name="now"/>, or null when it is.</summary>
    public string? Refusal(X509Certificate2 signer, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Root);
        chain.ChainPolicy.ExtraStore.Add(Middle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        try
        {
            if (!chain.Build(signer))
            {
                var reasons = string.Join(", ", chain.ChainStatus.Select(s => s.Status));
                return $"signPubKeyCert does not chain through UnionPay's intermediate to the root, or is not valid now ({reasons})";
            }
            // Signer, middle, root: a certificate the root issued directly is not a signing certificate of UnionPay's.
            if (chain.ChainElements.Count != 3 || !chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(Middle.RawDataMemory.Span))
            {
                return "signPubKeyCert was not issued by UnionPay's intermediate certificate";
            }
        }
        finally
        {
            // The chain's elements are copies of their own, each holding a native handle.
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
        return OrganisationOf(signer) == Organisation ? null : "signPubKeyCert does not name UnionPay in its CN";
    }

    /// <summary>The third <c>@</c>-separated part of the certificate's CN, or null when it has fewer than three.</summary>
    public static string? OrganisationOf(X509Certificate2 certificate)
    {
        var parts = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false).Split('@');
        return parts.Length >= 3 ? parts[2] : null;
    }
}
