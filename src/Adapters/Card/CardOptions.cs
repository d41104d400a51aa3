using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.Card;

/// <summary>The merchant's card acquirer settings (section <c>Channels:Card</c>).</summary>
public sealed class CardOptions
{
    public const string Section = "Channels:Card";

    /// <summary>The acquirer's API base URL.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>The merchant account at the acquirer.</summary>
    [Required]
    public string MerchantAccount { get; set; } = "";

    /// <summary>The secret API key sent as a bearer token. A secret: never logged.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The shared secret of the HMAC-SHA256 signature on every acquirer response and webhook. A secret.</summary>
    [Required, MinLength(16)]
    public string SigningSecret { get; set; } = "";

    /// <summary>How far a signature timestamp may be from now before it is refused as a replay.</summary>
    [Range(1, 3600)]
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>How long one HTTP call may take before its outcome is treated as unknown.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;
}
