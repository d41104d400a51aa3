using Paygate.Adapters.Money;

namespace Paygate.Adapters.Swift;

/// <summary>
/// A single customer credit transfer (MT103) as the gateway sends it through its bank's SWIFT interface: the
/// header blocks 1-3 and the text fields of block 4 (PROTOCOLS.md, "SWIFT MT103").
/// </summary>
public sealed record Mt103
{
    /// <summary>The sender's logical terminal: its BIC8, a terminal letter and a branch (12 characters), block 1.</summary>
    public required string SenderLogicalTerminal { get; init; }
    /// <summary>Session number, 4 digits, block 1.</summary>
    public required string Session { get; init; }
    /// <summary>Input sequence number, 6 digits, block 1.</summary>
    public required string Sequence { get; init; }
    /// <summary>The receiving bank's logical terminal address (12 characters), block 2.</summary>
    public required string ReceiverAddress { get; init; }
    /// <summary>The unique end-to-end transaction reference (UUID v4), block 3 field 121.</summary>
    public required Guid Uetr { get; init; }
    /// <summary>:20: the sender's reference, 16x.</summary>
    public required string SendersReference { get; init; }
    /// <summary>:23B: CRED, CRTS, SPAY, SPRI or SSTD.</summary>
    public string BankOperationCode { get; init; } = "CRED";
    /// <summary>:32A: value date.</summary>
    public required DateOnly ValueDate { get; init; }
    /// <summary>:32A: currency and amount.</summary>
    public required Money.Money Amount { get; init; }
    /// <summary>:50K: or :50A: the ordering customer (the payer).</summary>
    public required SwiftParty OrderingCustomer { get; init; }
    /// <summary>:59: or :59A: the beneficiary customer.</summary>
    public required SwiftParty Beneficiary { get; init; }
    /// <summary>:70: remittance information, up to 4 lines of 35.</summary>
    public IReadOnlyList<string> RemittanceInformation { get; init; } = [];
    /// <summary>:71A: OUR, SHA or BEN.</summary>
    public string Charges { get; init; } = "SHA";
}

/// <summary>
/// A party of a transfer: an optional account (<c>/34x</c>, an IBAN when it has an IBAN's shape) and either a BIC
/// (option A) or up to four lines of name and address of 35 characters (option K for 50, no letter for 59).
/// </summary>
public sealed record SwiftParty(string? Account, string? Bic, IReadOnlyList<string> NameAndAddress)
{
    public static SwiftParty Named(string? account, params string[] lines) => new(account, null, lines);

    public static SwiftParty Identified(string? account, string bic) => new(account, bic, []);
}

/// <summary>One broken rule of an MT103: which field, what the rule is, and the network error code it draws.</summary>
/// <param name="Field">The field tag (e.g. <c>32A</c>, <c>59</c>) or block (e.g. <c>block 3</c>).</param>
/// <param name="Rule">The rule in words.</param>
/// <param name="NetworkCode">The FIN error code a NAK would carry (PROTOCOLS.md names M60 for the character set; the
/// others follow the FIN error code guide as best known: T26 field 20 slashes, T27 BIC, T40 missing decimal comma,
/// T43 too many decimals, T50 date, T52 currency, T13 a mandatory field, T33 length, D19 IBAN).</param>
public sealed record Mt103Violation(string Field, string Rule, string NetworkCode)
{
    public override string ToString() => $"field {Field}: {Rule} ({NetworkCode})";
}

/// <summary>An MT103 that breaks a rule; nothing of it may be sent.</summary>
public sealed class SwiftFormatException(IReadOnlyList<Mt103Violation> violations)
    : Exception(string.Join("; ", violations))
{
    public IReadOnlyList<Mt103Violation> Violations { get; } = violations;
}
