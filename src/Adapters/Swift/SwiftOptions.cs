using System.ComponentModel.DataAnnotations;

namespace Paygate.Adapters.Swift;

/// <summary>The bank's SWIFT interface and the merchant's side of the transfers (section <c>Channels:Swift</c>).</summary>
public sealed class SwiftOptions
{
    public const string Section = "Channels:Swift";

    /// <summary>The bank's SWIFT interface base URL (MT103 in, ACK/NAK out, status by UETR).</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>The API key sent as a bearer token. A secret: never logged.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The shared secret of the HMAC-SHA256 signature on the bank's answers. A secret.</summary>
    [Required, MinLength(16)]
    public string SigningSecret { get; set; } = "";

    /// <summary>The gateway's logical terminal at its bank: BIC8, terminal letter, branch (12 characters), block 1.</summary>
    [Required, StringLength(12, MinimumLength = 12)]
    public string SenderLogicalTerminal { get; set; } = "";

    /// <summary>The FIN session number, 4 digits.</summary>
    [Required, RegularExpression("^[0-9]{4}$")]
    public string Session { get; set; } = "0001";

    /// <summary>The beneficiary's bank logical terminal address (12 characters), block 2.</summary>
    [Required, StringLength(12, MinimumLength = 12)]
    public string ReceiverAddress { get; set; } = "";

    /// <summary>The merchant's account (IBAN) that receives the transfers, field 59.</summary>
    [Required]
    public string BeneficiaryAccount { get; set; } = "";

    /// <summary>The merchant's name and address lines (character set X, at most 4 of 35), field 59.</summary>
    [Required, MinLength(1)]
    public List<string> BeneficiaryNameAndAddress { get; set; } = [];

    /// <summary>Who bears the charges, field 71A: OUR, SHA or BEN.</summary>
    public string Charges { get; set; } = "SHA";

    [Range(1, 3600)]
    public int MaxClockSkewSeconds { get; set; } = 300;

    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 30;
}
