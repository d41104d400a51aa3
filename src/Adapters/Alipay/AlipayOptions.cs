using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.Alipay;

/// <summary>The merchant's Alipay OpenAPI settings (section <c>Channels:Alipay</c>).</summary>
public sealed class AlipayOptions
{
    public const string Section = "Channels:Alipay";

    /// <summary>The OpenAPI gateway, e.g. <c>https://openapi.alipay.com/gateway.do</c>.</summary>
    [Required, Url]
    public string GatewayUrl { get; set; } = "";

    /// <summary>The merchant application's <c>app_id</c>.</summary>
    [Required]
    public string AppId { get; set; } = "";

    /// <summary>The merchant's RSA-2048 private key (PEM) that signs requests. A secret: never logged.</summary>
    [Required]
    public string PrivateKeyPem { get; set; } = "";

    /// <summary>Alipay's RSA public key (PEM) that verifies responses and notifications.</summary>
    [Required]
    public string AlipayPublicKeyPem { get; set; } = "";

    /// <summary>How long one HTTP call may take before its outcome is treated as unknown.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;
}
