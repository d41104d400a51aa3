using System.Globalization;
using System.Numerics;
using Paygate.Adapters.Money;
using Paygate.Adapters.Swift;

namespace Paygate.Adapters.Tests.Swift;

/// <summary>IBANs against the SWIFT IBAN registry: every country's length, the mod-97 check, and no IBAN for a country outside it.</summary>
public sealed class IbanTests
{
    /// <summary>The registry's example IBAN of each of its countries (check digits verified independently below).</summary>
    private static readonly string[] Examples =
    [
        "AD1200012030200359100100",
        "AE070331234567890123456",
        "AL47212110090000000235698741",
        "AT611904300234573201",
        "AZ21NABZ00000000137010001944",
        "BA391290079401028494",
        "BE68539007547034",
        "BG80BNBG96611020345678",
        "BH67BMAG00001299123456",
        "BI4210000100010000332045181",
        "BR1800360305000010009795493C1",
        "BY13NBRB3600900000002Z00AB00",
        "CH9300762011623852957",
        "CR05015202001026284066",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DE89370400440532013000",
        "DJ2100010000000154000100186",
        "DK5000400440116243",
        "DO28BAGR00000001212453611324",
        "EE382200221020145685",
        "EG380019000500000000263180002",
        "ES9121000418450200051332",
        "FI2112345600000785",
        "FK88SC123456789012",
        "FO6264600001631634",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "GE29NB0000000101904917",
        "GI75NWBK000000007099453",
        "GL8964710001000206",
        "GR1601101250000000012300695",
        "GT82TRAJ01020000001210029690",
        "HN88CABF00000000000250005469",
        "HR1210010051863000160",
        "HU42117730161111101800000000",
        "IE29AIBK93115212345678",
        "IL620108000000099999999",
        "IQ98NBIQ850123456789012",
        "IS140159260076545510730339",
        "IT60X0542811101000000123456",
        "JO94CBJO0010000000000131000302",
        "KW81CBKU0000000000001234560101",
        "KZ86125KZT5004100100",
        "LB62099900000001001901229114",
        "LC55HEMM000100010012001200023015",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "LV80BANK0000435195001",
        "LY83002048000020100120361",
        "MC5811222000010123456789030",
        "MD24AG000225100013104168",
        "ME25505000012345678951",
        "MK07250120000058984",
        "MN121234123456789123",
        "MR1300020001010000123456753",
        "MT84MALT011000012345MTLCAST001S",
        "MU17BOMM0101101030300200000MUR",
        "NI45BAPR00000013000003558124",
        "NL91ABNA0417164300",
        "NO9386011117947",
        "OM810180000001299123456",
        "PK36SCBL0000001123456702",
        "PL61109010140000071219812874",
        "PS92PALS000000000400123456702",
        "PT50000201231234567890154",
        "QA58DOHB00001234567890ABCDEFG",
        "RO49AAAA1B31007593840000",
        "RS35260005601001611379",
        "RU0304452522540817810538091310419",
        "SA0380000000608010167519",
        "SC18SSCB11010000000000001497USD",
        "SD2129010501234001",
        "SE4550000000058398257466",
        "SI56263300012039086",
        "SK3112000000198742637541",
        "SM86U0322509800000000270100",
        "SO211000001001000100141",
        "ST23000100010051845310146",
        "SV62CENR00000000000000700025",
        "TL380080012345678910157",
        "TN5910006035183598478831",
        "TR330006100519786457841326",
        "UA213223130000026007233566001",
        "VA59001123000012345678",
        "VG96VPVG0000012345678901",
        "XK051212012345678906",
        "YE15CBYE0001018861234567891234",
    ];

    public static TheoryData<string> RegistryExamples => new(Examples);

    [Theory]
    [MemberData(nameof(RegistryExamples))]
    public void RegistryExample_IsValid_AndItsCheckDigitsHoldIndependently(string iban)
    {
        Assert.Null(SwiftSyntax.IbanProblem(iban));
        // Computed here without the adapter's code: rearranged, letters as 10..35, mod 97 is 1.
        var digits = string.Concat((iban[4..] + iban[..4]).Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(1, (int)(BigInteger.Parse(digits, CultureInfo.InvariantCulture) % 97));
        Assert.Equal(IbanRegistry.Find(iban[..2])!.Length, iban.Length);
    }

    [Fact]
    public void Registry_HasEachCountryOnce_AndAnExampleForEach()
    {
        Assert.Equal(IbanRegistry.Countries.Count, IbanRegistry.Countries.Select(c => c.Code).Distinct().Count());
        Assert.All(IbanRegistry.Countries, c => Assert.InRange(c.Length, 15, 34));
        Assert.Equal(IbanRegistry.Countries.Select(c => c.Code).Order(), Examples.Select(e => e[..2]).Order());
    }

    [Theory]
    [InlineData("CN3412345678901234567890")] // China has no IBAN; the check digits are right
    [InlineData("US70021000021123456789")]
    [InlineData("ZZ1812345678901234")]
    public void UnknownCountry_IsRefused(string iban) =>
        Assert.Contains("not a country of the IBAN registry", SwiftSyntax.IbanProblem(iban));

    [Theory]
    [InlineData("GB82WEST1234569876543", "22 characters, not 21")]
    [InlineData("NO938601111794", "15 characters, not 14")]
    [InlineData("RU03044525225408178105380913104190", "33 characters, not 34")]
    public void WrongLengthForTheCountry_IsRefused(string iban, string problem) =>
        Assert.Contains(problem, SwiftSyntax.IbanProblem(iban));

    [Theory]
    [InlineData("GB83WEST12345698765432")]
    [InlineData("DE89370400440532013001")]
    [InlineData("GB99WEST12345698760082")] // 99 passes mod 97 as an alias of the real 02
    [InlineData("GB00WEST12345698760021")] // 00 likewise for 97
    public void WrongCheckDigits_AreRefused(string iban) =>
        Assert.Contains("check digits", SwiftSyntax.IbanProblem(iban));

    [Theory]
    [InlineData("gb82west12345698765432")]
    [InlineData("GB82WEST1234569876543!")]
    [InlineData("MT84MALT011000012345MTLCAST001S12345")]
    public void NotAnIbansShape_IsRefused(string iban) =>
        Assert.Contains("two letters, two check digits", SwiftSyntax.IbanProblem(iban));

    [Fact]
    public void Transfer_ToAnUnknownCountrysIban_IsRefusedNamingTheField()
    {
        var message = Mt103Tests.Valid() with { Beneficiary = SwiftParty.Named("ZZ1812345678901234", "CLOUD SERVICES GMBH") };

        var violation = Assert.Single(Mt103Rules.Validate(message));

        Assert.Equal(("59", "D19"), (violation.Field, violation.NetworkCode));
    }
}
