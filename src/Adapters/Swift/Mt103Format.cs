using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.Swift;

/// <summary>
/// Writes and parses MT103 text: blocks 1-5 with no separators, block 4 fields on CRLF lines. Writing refuses a message
/// that breaks a rule; parsing refuses text that breaks one, and the same <see cref="Mt103Rules"/> apply to both.
/// Block 5 carries <c>{CHK:...}</c>, here the first 12 hex digits of SHA-256 over block 4 (the real FIN checksum
/// algorithm is not public), so that a message altered on the way is refused.
/// </summary>
public static partial class Mt103Format
{
    private const string Crlf = "\r\n";

    public static string Write(Mt103 message)
    {
        var errors = Mt103Rules.Validate(message);
        if (errors.Count > 0)
        {
            throw new SwiftFormatException(errors);
        }
        var text = new StringBuilder();
        text.Append(Crlf).Append(":20:").Append(message.SendersReference);
        text.Append(Crlf).Append(":23B:").Append(message.BankOperationCode);
        text.Append(Crlf).Append(":32A:").Append(message.ValueDate.ToString("yyMMdd", CultureInfo.InvariantCulture)).Append(message.Amount.Currency.Code).Append(Amount(message.Amount));
        AppendParty(text, "50", "K", message.OrderingCustomer);
        AppendParty(text, "59", "", message.Beneficiary);
        if (message.RemittanceInformation.Count > 0)
        {
            text.Append(Crlf).Append(":70:").Append(string.Join(Crlf, message.RemittanceInformation));
        }
        text.Append(Crlf).Append(":71A:").Append(message.Charges).Append(Crlf).Append('-');
        var block4 = text.ToString();
        return $"{{1:F01{message.SenderLogicalTerminal}{message.Session}{message.Sequence}}}{{2:I103{message.ReceiverAddress}N}}"
            + $"{{3:{{121:{message.Uetr:D}}}}}{{4:{block4}}}{{5:{{CHK:{Checksum(block4)}}}}}";
    }

    /// <summary>An amount as field 32A wants it: integer part, a decimal comma (always), the currency's decimals at most.</summary>
    public static string Amount(Money.Money amount)
    {
        var major = amount.ToMajorUnitString();
        return major.Contains('.') ? major.Replace('.', ',') : major + ",";
    }

    /// <summary>Parses MT103 text; throws <see cref="SwiftFormatException"/> naming every field that breaks a rule.</summary>
    public static Mt103 Parse(string text)
    {
        var errors = new List<Mt103Violation>();
        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')) || (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')))
            {
                throw new SwiftFormatException([new(FieldAt(text, i), "CR and LF may only appear together, as CrLf", "M60")]);
            }
        }
        var match = Envelope().Match(text);
        if (!match.Success)
        {
            throw new SwiftFormatException([new("blocks", "expected {1:F01...}{2:I103...}{3:{121:...}}{4:...-}{5:...} with no separators", "H10")]);
        }
        var block4 = match.Groups["text"].Value;
        if (match.Groups["chk"].Success && match.Groups["chk"].Value != Checksum(block4))
        {
            throw new SwiftFormatException([new("block 5", "the checksum does not match block 4 (altered on the way)", "H50")]);
        }
        var fields = Fields(block4, errors);
        string? Field(string tag) => fields.TryGetValue(tag, out var v) ? v : null;
        foreach (var (tags, name) in new[] { (new[] { "20" }, "20"), (new[] { "23B" }, "23B"), (new[] { "32A" }, "32A"), (new[] { "50K", "50A" }, "50a"), (new[] { "59", "59A" }, "59a"), (new[] { "71A" }, "71A") })
        {
            if (!tags.Any(fields.ContainsKey))
            {
                errors.Add(new(name, "mandatory field missing", "T13"));
            }
        }
        var valueDate = DateOnly.MinValue;
        Money.Money amount = default;
        if (Field("32A") is { } f32)
        {
            (valueDate, amount) = ValueDateAndAmount(f32, errors);
        }
        if (!Guid.TryParseExact(match.Groups["uetr"].Value, "D", out var uetr))
        {
            errors.Add(new("121", "the UETR must be a UUID (8-4-4-4-12 hex digits)", "U13"));
        }
        if (errors.Count > 0)
        {
            throw new SwiftFormatException(errors);
        }
        var message = new Mt103
        {
            SenderLogicalTerminal = match.Groups["lt"].Value,
            Session = match.Groups["session"].Value,
            Sequence = match.Groups["seq"].Value,
            ReceiverAddress = match.Groups["receiver"].Value,
            Uetr = uetr,
            SendersReference = Field("20")!,
            BankOperationCode = Field("23B")!,
            ValueDate = valueDate,
            Amount = amount,
            OrderingCustomer = ParseParty(Field("50K"), Field("50A")),
            Beneficiary = ParseParty(Field("59"), Field("59A")),
            RemittanceInformation = Field("70")?.Split(Crlf) ?? [],
            Charges = Field("71A")!,
        };
        var ruleErrors = Mt103Rules.Validate(message);
        return ruleErrors.Count > 0 ? throw new SwiftFormatException(ruleErrors) : message;
    }

    private static Dictionary<string, string> Fields(string block4, List<Mt103Violation> errors)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!block4.StartsWith(Crlf, StringComparison.Ordinal) || !block4.EndsWith(Crlf + "-", StringComparison.Ordinal))
        {
            errors.Add(new("block 4", "block 4 opens with CrLf and closes with CrLf and '-'", "M60"));
            return fields;
        }
        string? tag = null;
        var value = new StringBuilder();
        foreach (var line in block4[Crlf.Length..^(Crlf.Length + 1)].Split(Crlf))
        {
            var start = FieldStart().Match(line);
            if (start.Success)
            {
                Flush();
                tag = start.Groups[1].Value;
                value.Clear().Append(line[start.Length..]);
            }
            else if (tag is null)
            {
                errors.Add(new("block 4", "text before the first field tag", "M60"));
            }
            else
            {
                value.Append(Crlf).Append(line);
            }
        }
        Flush();
        return fields;

        void Flush()
        {
            if (tag is null)
            {
                return;
            }
            var text = value.ToString();
            // The network names the field a foreign character is in, so that the sender knows what to correct.
            if (SwiftSyntax.FirstOutsideX(text.Replace(Crlf, "", StringComparison.Ordinal)) is { } bad)
            {
                errors.Add(new(tag, $"character '{bad}' is not in SWIFT character set X", "M60"));
            }
            if (!fields.TryAdd(tag, text))
            {
                errors.Add(new(tag, "the field appears twice", "T13"));
            }
        }
    }

    /// <summary>
    /// The field of block 4 that position <paramref name="index"/> of a message falls in (the last <c>CrLf:tag:</c> before
    /// it), or the part of the message it is in when that is not a field.
    /// </summary>
    private static string FieldAt(string text, int index)
    {
        var block4 = text.IndexOf("{4:", StringComparison.Ordinal);
        var end = block4 < 0 ? -1 : text.IndexOf(Crlf + "-}", block4, StringComparison.Ordinal);
        if (block4 < 0 || index < block4 || (end >= 0 && index > end + Crlf.Length))
        {
            return "blocks";
        }
        var lineStart = text.LastIndexOf(Crlf + ":", index, index - block4 + 1, StringComparison.Ordinal);
        if (lineStart < 0)
        {
            return "block 4";
        }
        var tag = FieldStart().Match(text, lineStart + Crlf.Length, Math.Min(text.Length - lineStart - Crlf.Length, 6));
        return tag.Success ? tag.Groups[1].Value : "block 4";
    }

    private static (DateOnly, Money.Money) ValueDateAndAmount(string value, List<Mt103Violation> errors)
    {
        var m = Field32A().Match(value);
        if (!m.Success)
        {
            errors.Add(new("32A", "value date (6 digits), currency (3 letters) and amount with a decimal comma, e.g. 261126USD1234,56", "T40"));
            return default;
        }
        if (!DateOnly.TryParseExact(m.Groups[1].Value, "yyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add(new("32A", $"'{m.Groups[1].Value}' is not a valid date YYMMDD", "T50"));
        }
        if (!Currency.TryFind(m.Groups[2].Value, out var currency))
        {
            errors.Add(new("32A", $"'{m.Groups[2].Value}' is not a currency this gateway settles", "T52"));
            return (date, default);
        }
        var amount = m.Groups[3].Value;
        var comma = amount.IndexOf(',');
        if (comma < 0 || amount.LastIndexOf(',') != comma)
        {
            errors.Add(new("32A", "the amount has exactly one decimal comma", "T40"));
            return (date, default);
        }
        if (comma == 0)
        {
            errors.Add(new("32A", "the amount has at least one digit before the decimal comma", "T40"));
            return (date, default);
        }
        if (amount.Length > Mt103Rules.MaxAmountLength)
        {
            errors.Add(new("32A", $"the amount is at most {Mt103Rules.MaxAmountLength} characters, the decimal comma included", "T33"));
            return (date, default);
        }
        var decimals = amount[(comma + 1)..];
        if (decimals.Length > currency.MinorUnits)
        {
            errors.Add(new("32A", $"{currency.Code} allows at most {currency.MinorUnits} decimals, the amount has {decimals.Length}", "T43"));
            return (date, default);
        }
        var minor = long.Parse(amount[..comma], CultureInfo.InvariantCulture) * currency.MinorPerMajor
            + (decimals.Length == 0 ? 0 : long.Parse(decimals.PadRight(currency.MinorUnits, '0'), CultureInfo.InvariantCulture));
        return (date, new Money.Money(minor, currency));
    }

    private static SwiftParty ParseParty(string? named, string? identified)
    {
        var value = named ?? identified ?? "";
        var lines = value.Split(Crlf).ToList();
        string? account = null;
        if (lines.Count > 0 && lines[0].StartsWith('/'))
        {
            account = lines[0][1..];
            lines.RemoveAt(0);
        }
        return named is not null ? new SwiftParty(account, null, lines) : new SwiftParty(account, lines.FirstOrDefault() ?? "", []);
    }

    private static void AppendParty(StringBuilder text, string tag, string namedOption, SwiftParty party)
    {
        text.Append(Crlf).Append(':').Append(tag).Append(party.Bic is null ? namedOption : "A").Append(':');
        var lines = new List<string>();
        if (party.Account is { } account)
        {
            lines.Add("/" + account);
        }
        lines.AddRange(party.Bic is { } bic ? [bic] : party.NameAndAddress);
        text.Append(string.Join(Crlf, lines));
    }

    private static string Checksum(string block4) => Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(block4)))[..12];

    [GeneratedRegex(@"^\{1:F01(?<lt>[A-Z0-9]{12})(?<session>\d{4})(?<seq>\d{6})\}\{2:I103(?<receiver>[A-Z0-9]{12})[UNS]?\d{0,3}\}\{3:\{121:(?<uetr>[^}]*)\}\}\{4:(?<text>.*?)\}(\{5:\{CHK:(?<chk>[0-9A-F]{12})\}\})?$", RegexOptions.Singleline)]
    private static partial Regex Envelope();

    [GeneratedRegex(@"^:([0-9]{2}[A-Z]?):")]
    private static partial Regex FieldStart();

    [GeneratedRegex(@"^(\d{6})([A-Z]{3})([0-9,]+)$")]
    private static partial Regex Field32A();
}
