using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.BankTransfer;

/// <summary>The merchant's collection account and its bank's API (section <c>Channels:BankTransfer</c>).</summary>
public sealed class BankTransferOptions
{
    public const string Section = "Channels:BankTransfer";

    /// <summary>The bank's corporate API base URL (collections, statements, refunds).</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>The API key sent as a bearer token. A secret: never logged.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The shared secret of the HMAC-SHA256 signature on the bank's answers and pushed notifications. A secret.</summary>
    [Required, MinLength(16)]
    public string SigningSecret { get; set; } = "";

    /// <summary>The merchant's collection account; camt documents about any other account are refused.</summary>
    [Required]
    public string Account { get; set; } = "";

    /// <summary>The account holder's name, as payers must write it.</summary>
    [Required]
    public string AccountName { get; set; } = "";

    [Required]
    public string BankName { get; set; } = "";

    [Required]
    public string Bic { get; set; } = "";

    [Range(1, 3600)]
    public int MaxClockSkewSeconds { get; set; } = 300;

    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 30;
}
