using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.WeChatPay;

/// <summary>The merchant's WeChat Pay API v3 settings (section <c>Channels:WeChatPay</c>).</summary>
public sealed class WeChatPayOptions
{
    public const string Section = "Channels:WeChatPay";

    /// <summary>The API host, e.g. <c>https://api.mch.weixin.qq.com</c>.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>The merchant id (<c>mchid</c>).</summary>
    [Required]
    public string MchId { get; set; } = "";

    /// <summary>The app id bound to the merchant (<c>appid</c>).</summary>
    [Required]
    public string AppId { get; set; } = "";

    /// <summary>The serial number of the merchant API certificate whose key signs requests.</summary>
    [Required]
    public string MerchantSerialNo { get; set; } = "";

    /// <summary>The merchant API private key (PEM). A secret: never logged.</summary>
    [Required]
    public string PrivateKeyPem { get; set; } = "";

    /// <summary>The 32-byte APIv3 key that decrypts notifications. A secret: never logged.</summary>
    [Required, StringLength(32, MinimumLength = 32)]
    public string ApiV3Key { get; set; } = "";

    /// <summary>WeChat Pay platform public keys (PEM) by serial (<c>Wechatpay-Serial</c>).</summary>
    [Required, MinLength(1)]
    public Dictionary<string, string> PlatformPublicKeys { get; set; } = [];

    /// <summary>How far a response or notification timestamp may be from now before it is refused as a replay.</summary>
    [Range(1, 3600)]
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>How long one HTTP call may take before its outcome is treated as unknown.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;
}
