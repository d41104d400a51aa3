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

    /// <summary>The root certificate (PEM) that UnionPay's signing certificates must chain to.</summary>
    [Required]
    public string RootCertificatePem { get; set; } = "";

    /// <summary>The common name UnionPay's signing certificate must carry.</summary>
    [Required]
    public string SignerCommonName { get; set; } = "中国银联股份有限公司";

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
