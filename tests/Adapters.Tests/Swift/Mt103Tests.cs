using Paygate.Adapters.Money;
using Paygate.Adapters.Swift;

namespace Paygate.Adapters.Tests.Swift;

public sealed class Mt103Tests
{
    /// <summary>A transfer every rule accepts; tests change one thing of it.</summary>
    internal static Mt103 Valid() => new()
    {
        SenderLogicalTerminal = "PAYGCNSHAXXX",
        Session = "0001",
        Sequence = "000123",
        ReceiverAddress = "DEUTDEFFAXXX",
        Uetr = Guid.Parse("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"),
        SendersReference = "PGK7M2Q9XA01",
        ValueDate = new DateOnly(2026, 11, 26),
        Amount = new Paygate.Adapters.Money.Money(123456, Currency.USD),
        OrderingCustomer = SwiftParty.Named("GB82WEST12345698765432", "ACME TRADING LTD", "1 HIGH STREET", "LONDON"),
        Beneficiary = SwiftParty.Named("DE89370400440532013000", "CLOUD SERVICES GMBH", "BERLIN"),
        RemittanceInformation = ["INVOICE 2026-1126"],
        Charges = "SHA",
    };

    private static Mt103Violation Single(Mt103 message) => Assert.Single(Mt103Rules.Validate(message));

    [Fact]
    public void Write_ProducesTheBlocksAndFields_AndParseReadsThemBack()
    {
        var text = Mt103Format.Write(Valid());

        Assert.StartsWith("{1:F01PAYGCNSHAXXX0001000123}{2:I103DEUTDEFFAXXXN}{3:{121:3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f}}{4:\r\n:20:PGK7M2Q9XA01\r\n:23B:CRED\r\n:32A:261126USD1234,56\r\n:50K:/GB82WEST12345698765432\r\nACME TRADING LTD\r\n", text);
        Assert.Contains("\r\n:59:/DE89370400440532013000\r\nCLOUD SERVICES GMBH\r\nBERLIN\r\n:70:INVOICE 2026-1126\r\n:71A:SHA\r\n-}{5:{CHK:", text);
        var parsed = Mt103Format.Parse(text);
        Assert.Equal(Valid() with { OrderingCustomer = parsed.OrderingCustomer, Beneficiary = parsed.Beneficiary, RemittanceInformation = parsed.RemittanceInformation }, parsed);
        Assert.Equal(Valid().OrderingCustomer.NameAndAddress, parsed.OrderingCustomer.NameAndAddress);
        Assert.Equal("DE89370400440532013000", parsed.Beneficiary.Account);
    }

    [Theory]
    [InlineData(0L, "JPY", "261126JPY0,")]
    [InlineData(1_000_000L, "JPY", "261126JPY1000000,")]
    [InlineData(5L, "CNY", "261126CNY0,05")]
    [InlineData(100L, "EUR", "261126EUR1,00")]
    public void Field32A_HasADecimalCommaAndTheCurrencysDecimals(long minor, string code, string expected)
    {
        Currency.TryFind(code, out var currency);
        var amount = new Paygate.Adapters.Money.Money(minor, currency);
        Assert.Equal(expected[9..], Mt103Format.Amount(amount));
    }

    [Theory]
    [InlineData("PG/REF", true)]
    [InlineData("/PGREF", false)]
    [InlineData("PGREF/", false)]
    [InlineData("PG//REF", false)]
    [InlineData("0123456789ABCDEF", true)]
    [InlineData("0123456789ABCDEFG", false)]
    [InlineData("PG_REF", false)]
    public void Field20_SixteenX_NoLeadingTrailingOrDoubleSlash(string reference, bool valid)
    {
        var errors = Mt103Rules.Validate(Valid() with { SendersReference = reference });
        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal("20", e.Field));
    }

    [Theory]
    [InlineData("CRED", true)]
    [InlineData("SSTD", true)]
    [InlineData("CRXX", false)]
    public void Field23B_IsOneOfTheFiveCodes(string code, bool valid) =>
        Assert.Equal(valid, Mt103Rules.Validate(Valid() with { BankOperationCode = code }).Count == 0);

    [Theory]
    [InlineData("OUR", true)]
    [InlineData("BEN", true)]
    [InlineData("ALL", false)]
    public void Field71A_IsOurShaOrBen(string code, bool valid) =>
        Assert.Equal(valid, Mt103Rules.Validate(Valid() with { Charges = code }).Count == 0);

    [Theory]
    [InlineData("ACME TRADING LTD", true)]
    [InlineData("ACME (HK) CO., LTD. +852 ?:'-", true)]
    [InlineData("ACME & SONS", false)]
    [InlineData("ACME@MAIL", false)]
    [InlineData("北京云计算有限公司", false)]
    [InlineData("ACME\nSONS", false)]
    public void NameLines_AreCharacterSetX(string line, bool valid)
    {
        var errors = Mt103Rules.Validate(Valid() with { Beneficiary = SwiftParty.Named(null, line) });
        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal(("59", "M60"), (e.Field, e.NetworkCode)));
    }

    [Fact]
    public void NameLines_AtMostFourOf35()
    {
        Assert.Equal("59", Single(Valid() with { Beneficiary = SwiftParty.Named(null, "A", "B", "C", "D", "E") }).Field);
        Assert.Contains("35", Single(Valid() with { Beneficiary = SwiftParty.Named(null, new string('A', 36)) }).Rule);
        Assert.Empty(Mt103Rules.Validate(Valid() with { Beneficiary = SwiftParty.Named(null, new string('A', 35)) }));
        Assert.Equal("T13", Single(Valid() with { Beneficiary = SwiftParty.Named(null) }).NetworkCode);
        Assert.Equal("70", Single(Valid() with { RemittanceInformation = ["1", "2", "3", "4", "5"] }).Field);
    }

    [Theory]
    [InlineData("DEUTDEFF", true)]
    [InlineData("DEUTDEFF500", true)]
    [InlineData("deutdeff", false)]
    [InlineData("DEUTDEF", false)]
    [InlineData("DEU1DEFF", false)]
    [InlineData("DEUTD3FF", false)]
    [InlineData("DEUTDEFF5", false)]
    public void Bic_Is4a2a2cOptional3c(string bic, bool valid)
    {
        Assert.Equal(valid, SwiftSyntax.IsBic(bic));
        var errors = Mt103Rules.Validate(Valid() with { Beneficiary = SwiftParty.Identified("DE89370400440532013000", bic) });
        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal(("59A", "T27"), (e.Field, e.NetworkCode)));
    }

    [Theory]
    [InlineData("GB82WEST12345698765432", null)]
    [InlineData("DE89370400440532013000", null)]
    [InlineData("FR1420041010050500013M02606", null)]
    [InlineData("GB83WEST12345698765432", "check digits")]
    [InlineData("GB82WEST1234569876543", "22 characters")]
    [InlineData("DE8937040044053201300", "22 characters")]
    public void Iban_LengthPerCountryAndMod97(string iban, string? problem)
    {
        var found = SwiftSyntax.IbanProblem(iban);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found);
            Assert.Equal(("50", "D19"), (Single(Valid() with { OrderingCustomer = SwiftParty.Named(iban, "ACME") }).Field, Single(Valid() with { OrderingCustomer = SwiftParty.Named(iban, "ACME") }).NetworkCode));
        }
    }

    [Fact]
    public void IbanCheckDigits_Are98MinusMod97()
    {
        Assert.Equal("82", SwiftSyntax.IbanCheckDigits("GB", "WEST12345698765432"));
        Assert.Null(SwiftSyntax.IbanProblem("GB" + SwiftSyntax.IbanCheckDigits("GB", "WEST12345698765432") + "WEST12345698765432"));
    }

    [Fact]
    public void NonIbanAccounts_AreOnlyCheckedForLengthAndCharacters()
    {
        Assert.Empty(Mt103Rules.Validate(Valid() with { Beneficiary = SwiftParty.Named("6222021234567890123", "ZHANG SAN") }));
        Assert.Equal("T33", Single(Valid() with { Beneficiary = SwiftParty.Named(new string('1', 35), "ZHANG SAN") }).NetworkCode);
    }

    [Fact]
    public void Uetr_MustBeVersion4()
    {
        Assert.Equal("121", Single(Valid() with { Uetr = Guid.Parse("3f1c2d4e-5a6b-1c7d-8e9f-0a1b2c3d4e5f") }).Field);
        Assert.Empty(Mt103Rules.Validate(Valid() with { Uetr = Guid.NewGuid() }));
    }

    [Fact]
    public void Write_RefusesAnInvalidMessage_NamingEveryBrokenField()
    {
        var bad = Valid() with { SendersReference = "/X", Charges = "ALL", Beneficiary = SwiftParty.Named(null, "A & B") };

        var error = Assert.Throws<SwiftFormatException>(() => Mt103Format.Write(bad));

        Assert.Equal(["20", "59", "71A"], error.Violations.Select(v => v.Field).Order());
    }

    [Theory]
    [InlineData(":32A:261126USD1234,56", null)]
    [InlineData(":32A:261126JPY1234,", null)]
    [InlineData(":32A:261126USD1234.56", "T40")]
    [InlineData(":32A:261126USD1234,567", "T43")]
    [InlineData(":32A:261126JPY1234,5", "T43")]
    [InlineData(":32A:261126USD,56", "T40")]
    [InlineData(":32A:261126USD1234", "T40")]
    [InlineData(":32A:261126USD1,2,3", "T40")]
    [InlineData(":32A:261126XXX1234,56", "T52")]
    [InlineData(":32A:261131USD1234,56", "T50")]
    [InlineData(":32A:261126USD1234567890123,45", "T33")]
    public void Parse_Field32A_Rules(string field, string? code)
    {
        var text = Rechecksum(Mt103Format.Write(Valid()).Replace(":32A:261126USD1234,56", field, StringComparison.Ordinal));

        if (code is null)
        {
            Assert.Equal(field[5..11], Mt103Format.Parse(text).ValueDate.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            var error = Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(text));
            Assert.Equal(("32A", code), (error.Violations[0].Field, error.Violations[0].NetworkCode));
        }
    }

    [Theory]
    [InlineData(":23B:CRED\r\n", "23B")]
    [InlineData(":71A:SHA\r\n", "71A")]
    [InlineData(":20:PGK7M2Q9XA01\r\n", "20")]
    public void Parse_MandatoryFieldMissing_IsRefused(string removed, string field)
    {
        var text = Rechecksum(Mt103Format.Write(Valid()).Replace(removed, "", StringComparison.Ordinal));

        var error = Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(text));

        Assert.Contains(error.Violations, v => v.Field == field && v.NetworkCode == "T13");
    }

    [Fact]
    public void Parse_RefusesLoneLineFeeds_ForeignCharacters_AndAlteredText()
    {
        var text = Mt103Format.Write(Valid());
        Assert.Equal("M60", Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(text.Replace("\r\n:23B:", "\n:23B:", StringComparison.Ordinal))).Violations[0].NetworkCode);
        Assert.Equal("M60", Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(Rechecksum(text.Replace("ACME TRADING", "ACME_TRADING", StringComparison.Ordinal)))).Violations[0].NetworkCode);
        Assert.Equal("H50", Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(text.Replace("1234,56", "9234,56", StringComparison.Ordinal))).Violations[0].NetworkCode);
        Assert.Equal("H10", Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse("{1:F01PAYG}" + text)).Violations[0].NetworkCode);
    }

    /// <summary>A character outside set X is reported in the field it was found in, as the network's NAK names it.</summary>
    [Theory]
    [InlineData("INVOICE 2026-1126", "INVOICE_2026-1126", "70", '_')]
    [InlineData("CLOUD SERVICES GMBH", "CLOUD SERVICES GMBH & CO", "59", '&')]
    [InlineData("ACME TRADING LTD", "ACME TRADING LTD @", "50K", '@')]
    [InlineData(":23B:CRED", ":23B:CR*D", "23B", '*')]
    [InlineData(":71A:SHA", ":71A:SH#", "71A", '#')]
    public void Parse_ForeignCharacter_NamesTheFieldItIsIn(string original, string changed, string field, char character)
    {
        var text = Rechecksum(Mt103Format.Write(Valid()).Replace(original, changed, StringComparison.Ordinal));

        var violation = Assert.Single(Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(text)).Violations, v => v.NetworkCode == "M60");

        Assert.Equal(field, violation.Field);
        Assert.Contains($"character '{character}'", violation.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INVOICE 2026-1126", "INVOICE\n2026-1126", "70")]
    [InlineData("CLOUD SERVICES GMBH", "CLOUD SERVICES\rGMBH", "59")]
    [InlineData("{3:", "\n{3:", "blocks")]
    [InlineData("{5:{CHK:", "{5:\n{CHK:", "blocks")]
    public void Parse_LoneLineBreak_NamesTheFieldItIsIn(string original, string changed, string field)
    {
        // Line breaks are checked before anything else, the checksum included.
        var text = Mt103Format.Write(Valid()).Replace(original, changed, StringComparison.Ordinal);

        var violation = Assert.Single(Assert.Throws<SwiftFormatException>(() => Mt103Format.Parse(text)).Violations);

        Assert.Equal((field, "M60"), (violation.Field, violation.NetworkCode));
    }

    /// <summary>Recomputes block 5 after a test edits block 4 (a sender that made the mistake itself).</summary>
    private static string Rechecksum(string text)
    {
        var start = text.IndexOf("{4:", StringComparison.Ordinal) + 3;
        var end = text.IndexOf("-}", start, StringComparison.Ordinal) + 1;
        var block4 = text[start..end];
        var chk = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(block4)))[..12];
        return text[..(end + 1)] + "{5:{CHK:" + chk + "}}";
    }
}
