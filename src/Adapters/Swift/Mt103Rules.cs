namespace Paygate.Adapters.Swift;

/// <summary>
/// The MT103 rules the gateway checks before sending and the simulated bank checks on receipt (one set of rules, so
/// they can never disagree). Each rule broken gives a <see cref="Mt103Violation"/> naming the field.
/// </summary>
public static class Mt103Rules
{
    public static readonly IReadOnlySet<string> OperationCodes = new HashSet<string>(StringComparer.Ordinal) { "CRED", "CRTS", "SPAY", "SPRI", "SSTD" };
    public static readonly IReadOnlySet<string> ChargeCodes = new HashSet<string>(StringComparer.Ordinal) { "OUR", "SHA", "BEN" };
    public const int MaxReferenceLength = 16;
    public const int MaxLineLength = 35;
    public const int MaxLines = 4;
    public const int MaxAccountLength = 34;
    public const int MaxAmountLength = 15;

    public static IReadOnlyList<Mt103Violation> Validate(Mt103 message)
    {
        var errors = new List<Mt103Violation>();
        Address(errors, "block 1", message.SenderLogicalTerminal);
        if (message.Session.Length != 4 || !message.Session.All(char.IsAsciiDigit))
        {
            errors.Add(new("block 1", "the session number is 4 digits", "H25"));
        }
        if (message.Sequence.Length != 6 || !message.Sequence.All(char.IsAsciiDigit))
        {
            errors.Add(new("block 1", "the sequence number is 6 digits", "H26"));
        }
        Address(errors, "block 2", message.ReceiverAddress);
        if (message.Uetr.Version != 4 || (message.Uetr.Variant & 0b1100) != 0b1000)
        {
            errors.Add(new("121", "the UETR must be a UUID version 4 (RFC 4122 variant)", "U13"));
        }
        Reference(errors, message.SendersReference);
        if (!OperationCodes.Contains(message.BankOperationCode))
        {
            errors.Add(new("23B", "must be CRED, CRTS, SPAY, SPRI or SSTD", "T36"));
        }
        if (message.Amount.AmountMinor <= 0)
        {
            errors.Add(new("32A", "the amount must be more than zero", "T40"));
        }
        else if (Mt103Format.Amount(message.Amount).Length > MaxAmountLength)
        {
            errors.Add(new("32A", $"the amount is at most {MaxAmountLength} characters, the decimal comma included", "T33"));
        }
        Party(errors, "50", message.OrderingCustomer);
        Party(errors, "59", message.Beneficiary);
        Lines(errors, "70", message.RemittanceInformation, required: false);
        if (!ChargeCodes.Contains(message.Charges))
        {
            errors.Add(new("71A", "must be OUR, SHA or BEN", "T08"));
        }
        return errors;
    }

    private static void Address(List<Mt103Violation> errors, string block, string address)
    {
        if (address.Length != 12 || !SwiftSyntax.IsBic(address[..8]) || !char.IsAsciiLetterUpper(address[8]) || !address[9..].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
        {
            errors.Add(new(block, "the logical terminal address is a BIC8, a terminal letter and a 3-character branch (12 characters)", "H21"));
        }
    }

    private static void Reference(List<Mt103Violation> errors, string reference)
    {
        if (reference.Length is 0 or > MaxReferenceLength)
        {
            errors.Add(new("20", $"1 to {MaxReferenceLength} characters", "T33"));
        }
        else if (SwiftSyntax.FirstOutsideX(reference) is { } c)
        {
            errors.Add(new("20", $"character '{c}' is not in SWIFT character set X", "M60"));
        }
        else if (reference.StartsWith('/') || reference.EndsWith('/') || reference.Contains("//", StringComparison.Ordinal))
        {
            errors.Add(new("20", "must not start or end with '/' nor contain '//'", "T26"));
        }
    }

    private static void Party(List<Mt103Violation> errors, string tag, SwiftParty party)
    {
        if (party.Account is { } account)
        {
            if (account.Length is 0 or > MaxAccountLength)
            {
                errors.Add(new(tag, $"the account is 1 to {MaxAccountLength} characters", "T33"));
            }
            else if (SwiftSyntax.FirstOutsideX(account) is { } c)
            {
                errors.Add(new(tag, $"character '{c}' in the account is not in SWIFT character set X", "M60"));
            }
            else if (SwiftSyntax.LooksLikeIban(account) && SwiftSyntax.IbanProblem(account) is { } problem)
            {
                errors.Add(new(tag, problem, "D19"));
            }
        }
        if (party.Bic is { } bic)
        {
            if (!SwiftSyntax.IsBic(bic))
            {
                errors.Add(new(tag + "A", "the BIC is 4 letters (institution), 2 letters (country), 2 letters or digits (location) and an optional 3-character branch", "T27"));
            }
            if (party.NameAndAddress.Count > 0)
            {
                errors.Add(new(tag + "A", "option A identifies the party by BIC only, without name and address", "T17"));
            }
            return;
        }
        Lines(errors, tag == "50" ? "50K" : "59", party.NameAndAddress, required: true);
    }

    private static void Lines(List<Mt103Violation> errors, string tag, IReadOnlyList<string> lines, bool required)
    {
        if (required && lines.Count == 0)
        {
            errors.Add(new(tag, "the name and address are required (1 to 4 lines)", "T13"));
        }
        if (lines.Count > MaxLines)
        {
            errors.Add(new(tag, $"at most {MaxLines} lines", "T33"));
        }
        foreach (var (line, index) in lines.Select((l, i) => (l, i + 1)))
        {
            if (line.Length is 0 or > MaxLineLength)
            {
                errors.Add(new(tag, $"line {index} is 1 to {MaxLineLength} characters", "T33"));
            }
            else if (SwiftSyntax.FirstOutsideX(line) is { } c)
            {
                errors.Add(new(tag, $"character '{c}' on line {index} is not in SWIFT character set X", "M60"));
            }
        }
    }
}
