namespace Paygate.Adapters.Swift;

/// <summary>One country of the SWIFT IBAN registry: its IBAN prefix, its name and the fixed length of its IBANs.</summary>
/// <param name="Code">The ISO 3166 code that opens the IBAN.</param>
/// <param name="Country">The country's name.</param>
/// <param name="Length">Every IBAN of the country has exactly this many characters.</param>
public sealed record IbanCountry(string Code, string Country, int Length);

/// <summary>
/// The countries of the SWIFT IBAN registry (ISO 13616) and their IBAN lengths, as data: one row a country. Territories
/// the registry lists under a country use that country's prefix (Åland: FI; French overseas departments and
/// territories: FR; Isle of Man, Jersey, Guernsey: GB). A code not in this table has no IBAN.
/// </summary>
public static class IbanRegistry
{
    public static IReadOnlyList<IbanCountry> Countries { get; } =
    [
        new("AD", "Andorra", 24),
        new("AE", "United Arab Emirates", 23),
        new("AL", "Albania", 28),
        new("AT", "Austria", 20),
        new("AZ", "Azerbaijan", 28),
        new("BA", "Bosnia and Herzegovina", 20),
        new("BE", "Belgium", 16),
        new("BG", "Bulgaria", 22),
        new("BH", "Bahrain", 22),
        new("BI", "Burundi", 27),
        new("BR", "Brazil", 29),
        new("BY", "Belarus", 28),
        new("CH", "Switzerland", 21),
        new("CR", "Costa Rica", 22),
        new("CY", "Cyprus", 28),
        new("CZ", "Czechia", 24),
        new("DE", "Germany", 22),
        new("DJ", "Djibouti", 27),
        new("DK", "Denmark", 18),
        new("DO", "Dominican Republic", 28),
        new("EE", "Estonia", 20),
        new("EG", "Egypt", 29),
        new("ES", "Spain", 24),
        new("FI", "Finland", 18),
        new("FK", "Falkland Islands", 18),
        new("FO", "Faroe Islands", 18),
        new("FR", "France", 27),
        new("GB", "United Kingdom", 22),
        new("GE", "Georgia", 22),
        new("GI", "Gibraltar", 23),
        new("GL", "Greenland", 18),
        new("GR", "Greece", 27),
        new("GT", "Guatemala", 28),
        new("HN", "Honduras", 28),
        new("HR", "Croatia", 21),
        new("HU", "Hungary", 28),
        new("IE", "Ireland", 22),
        new("IL", "Israel", 23),
        new("IQ", "Iraq", 23),
        new("IS", "Iceland", 26),
        new("IT", "Italy", 27),
        new("JO", "Jordan", 30),
        new("KW", "Kuwait", 30),
        new("KZ", "Kazakhstan", 20),
        new("LB", "Lebanon", 28),
        new("LC", "Saint Lucia", 32),
        new("LI", "Liechtenstein", 21),
        new("LT", "Lithuania", 20),
        new("LU", "Luxembourg", 20),
        new("LV", "Latvia", 21),
        new("LY", "Libya", 25),
        new("MC", "Monaco", 27),
        new("MD", "Moldova", 24),
        new("ME", "Montenegro", 22),
        new("MK", "North Macedonia", 19),
        new("MN", "Mongolia", 20),
        new("MR", "Mauritania", 27),
        new("MT", "Malta", 31),
        new("MU", "Mauritius", 30),
        new("NI", "Nicaragua", 28),
        new("NL", "Netherlands", 18),
        new("NO", "Norway", 15),
        new("OM", "Oman", 23),
        new("PK", "Pakistan", 24),
        new("PL", "Poland", 28),
        new("PS", "Palestine", 29),
        new("PT", "Portugal", 25),
        new("QA", "Qatar", 29),
        new("RO", "Romania", 24),
        new("RS", "Serbia", 22),
        new("RU", "Russia", 33),
        new("SA", "Saudi Arabia", 24),
        new("SC", "Seychelles", 31),
        new("SD", "Sudan", 18),
        new("SE", "Sweden", 24),
        new("SI", "Slovenia", 19),
        new("SK", "Slovakia", 24),
        new("SM", "San Marino", 27),
        new("SO", "Somalia", 23),
        new("ST", "Sao Tome and Principe", 25),
        new("SV", "El Salvador", 28),
        new("TL", "Timor-Leste", 23),
        new("TN", "Tunisia", 24),
        new("TR", "Turkey", 26),
        new("UA", "Ukraine", 29),
        new("VA", "Vatican City State", 22),
        new("VG", "British Virgin Islands", 24),
        new("XK", "Kosovo", 20),
        new("YE", "Yemen", 30),
    ];

    private static readonly Dictionary<string, IbanCountry> ByCode = Countries.ToDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>The registry's row for <paramref name="code"/>, or null when the country has no IBAN.</summary>
    public static IbanCountry? Find(string code) => ByCode.GetValueOrDefault(code);
}
