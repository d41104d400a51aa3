using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.UnionPay;

/// <summary>The merchant's UnionPay online payment (ACP 5.1.0) settings (section <c>Channels:UnionPay</c>).</summary>
public sealed class UnionPayOptions
{
    public const string Section = "Channels:UnionPay";

    /// <summary>The gateway host, e.g. <c>https://gateway.95516.com</c>; <c>/gateway/api/...</c> is appended.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>The merchant id (<c>merId</c>).</summary>
    [Required]
    public string MerId { get; set; } = "";

    /// <summary>The merchant's signing certificate (PEM); its serial, in decimal, is the <c>certId</c>.</summary>
    [Required]
    public string SigningCertificatePem { get; set; } = "";

    /// <summary>The private key of the signing certificate (PEM). A secret: never logged.</summary>
    [Required]
    public string PrivateKeyPem { get; set; } = "";

    /// <summary>UnionPay's root certificate (PEM): the trust anchor of the signer's chain (the ACP SDK's <c>rootCert</c>).</summary>
    [Required]
    public string RootCertificatePem { get; set; } = "";

    /// <summary>
    /// UnionPay's intermediate ("middle") certificate (PEM), issued by the root: it must be the one that issued the signer's
    /// certificate (the ACP SDK's <c>middleCert</c>).
    /// </summary>
    [Required]
    public string MiddleCertificatePem { get; set; } = "";

    /// <summary>
    /// The organisation the signer's certificate must name: the third <c>@</c>-separated part of its CN (as
    /// <c>041@...@中国银联股份有限公司@...</c>), the only part UnionPay's SDK compares. UnionPay's test environment signs
    /// with <c>00040000:SIGN</c> there.
    /// </summary>
    [Required]
    public string SignerOrganisation { get; set; } = "中国银联股份有限公司";

    /// <summary>Where UnionPay sends the payer's browser after paying (<c>frontUrl</c>).</summary>
    [Required, Url]
    public string FrontUrl { get; set; } = "http://localhost:5081/";

    /// <summary><c>07</c> (PC) or <c>08</c> (mobile).</summary>
    [RegularExpression("^0[78]$")]
    public string ChannelType { get; set; } = "07";

    /// <summary>How long one HTTP call may take before its outcome is treated as unknown.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;
}
