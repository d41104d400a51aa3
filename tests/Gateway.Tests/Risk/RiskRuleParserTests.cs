using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Tests.Risk;

public sealed class RiskRuleParserTests
{
    [Theory]
    [InlineData("not json", "")]
    [InlineData("[]", "")]
    [InlineData("""{ "velocty": {} }""", "velocty")]
    [InlineData("""{ "velocity": { "methods": { "distinct": 1 } } }""", "velocity.methods.distinct")]
    [InlineData("""{ "velocity": { "methods": { "window_seconds": "5m" } } }""", "velocity.methods.window_seconds")]
    [InlineData("""{ "velocity": { "methods": { "action": "DENY" } } }""", "velocity.methods.action")]
    [InlineData("""{ "velocity": { "count_per_day": {} } }""", "velocity.count_per_day.max")]
    [InlineData("""{ "velocity": { "amount_per_day": { "max_minor": { "XXX": 5 } } } }""", "velocity.amount_per_day.max_minor.XXX")]
    [InlineData("""{ "velocity": { "amount_per_day": { "max_minor": { "CNY": -5 } } } }""", "velocity.amount_per_day.max_minor.CNY")]
    [InlineData("""{ "velocity": { "declines": {} } }""", "velocity.declines")]
    [InlineData("""{ "velocity": { "declines": { "challenge_after": 5, "block_after": 3 } } }""", "velocity.declines.block_after")]
    [InlineData("""{ "geography": { "merchant_countries": { "default": "china" } } }""", "geography.merchant_countries.default")]
    [InlineData("""{ "geography": { "distance": { "max_km": 0 } } }""", "geography.distance.max_km")]
    [InlineData("""{ "geography": { "ip_country": {} } }""", "geography.ip_country")]
    [InlineData("""{ "geography": { "cross_border": {} }, "ip_countries": { "ranges": { "192.0.2.0/24": "CN" } } }""", "geography.cross_border")]
    [InlineData("""{ "lists": { "ips": { "entries": ["192.0.2.0/24", "300.1.1.1"] } } }""", "lists.ips.entries[1]")]
    [InlineData("""{ "lists": { "ips": { "entries": ["192.0.2.1/24"] } } }""", "lists.ips.entries[0]")]
    [InlineData("""{ "lists": { "ips": { "entries": ["2001:db8::/129"] } } }""", "lists.ips.entries[0]")]
    [InlineData("""{ "lists": { "ips": { "entries": ["10.1"] } } }""", "lists.ips.entries[0]")]
    [InlineData("""{ "lists": { "countries": { "entries": ["KP", "iran"] } } }""", "lists.countries.entries[1]")]
    [InlineData("""{ "lists": { "cards": { "entries": [42] } } }""", "lists.cards.entries[0]")]
    [InlineData("""{ "sanctions": { "threshold": 0.9 } }""", "sanctions")]
    [InlineData("""{ "lists": { "customers": { "action": "BLOCK" } } }""", "lists.customers.entries")]
    [InlineData("""{ "sanctions": { "names": ["A B"], "threshold": 0.2 } }""", "sanctions.threshold")]
    [InlineData("""{ "sanctions": { "names": ["--"] } }""", "sanctions.names[0]")]
    [InlineData("""{ "sanctions": { "names_file": "no-such-file.txt" } }""", "sanctions.names_file")]
    // Files outside the risk data folder, or of another kind, are never read (an error would quote their lines back).
    [InlineData("""{ "lists": { "ips": { "file": "/etc/passwd" } } }""", "lists.ips.file")]
    [InlineData("""{ "lists": { "ips": { "file": "../data/webhook.key" } } }""", "lists.ips.file")]
    [InlineData("""{ "lists": { "ips": { "file": "appsettings.json" } } }""", "lists.ips.file")]
    [InlineData("""{ "customer_levels": { "cus_1": "vip" } }""", "customer_levels.cus_1")]
    [InlineData("""{ "ip_countries": { "ranges": { "192.0.2.0/24": "CN", "192.0.2.128/25": "US" } } }""", "ip_countries")]
    [InlineData("""{ "ip_countries": { "ranges": { "192.0.2.0/24": "Cn" } } }""", "ip_countries.ranges.192.0.2.0/24")]
    public void Parse_BadDocument_IsRefusedNamingTheRule(string document, string path)
    {
        var refused = Assert.Throws<RiskRuleException>(() => RiskRuleParser.Parse(document, AppContext.BaseDirectory));

        Assert.Equal(path, refused.Path);
        Assert.NotEmpty(refused.Reason);
    }

    [Fact]
    public void Parse_IpCountriesFileWithABadLine_NamesTheLine()
    {
        var folder = Directory.CreateTempSubdirectory("paygate-risk-").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(folder, "ip.csv"), ["network,country", "192.0.2.0/24,CN", "# comment", "198.51.100.0/24;US"]);

            var refused = Assert.Throws<RiskRuleException>(() => RiskRuleParser.Parse("""{ "ip_countries": { "file": "ip.csv" } }""", folder));

            Assert.Equal("ip_countries.file", refused.Path);
            Assert.StartsWith("line 4:", refused.Reason);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Parse_ListsFromFiles_AddToTheInlineEntries_AndABadLineIsNamed()
    {
        var folder = Directory.CreateTempSubdirectory("paygate-risk-").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(folder, "ips.txt"), ["# blocked", "192.0.2.0/24", "2001:db8::/32"]);
            File.WriteAllLines(Path.Combine(folder, "bad.txt"), ["192.0.2.0/24", "192.0.2.300"]);

            var rules = RiskRuleParser.Parse("""{ "lists": { "ips": { "entries": ["198.51.100.1"], "file": "ips.txt" } } }""", folder);
            var refused = Assert.Throws<RiskRuleException>(() => RiskRuleParser.Parse("""{ "lists": { "ips": { "file": "bad.txt" } } }""", folder));

            Assert.Equal(3, rules.ListEntries);
            Assert.True(rules.BlockedIps!.Ranges.TryFind(System.Net.IPAddress.Parse("2001:db8::5"), out _, out _));
            Assert.Equal("lists.ips.file line 2", refused.Path);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Parse_TheShippedSandboxRules_CompileWithTheirFiles()
    {
        var rules = RiskRuleParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "risk-rules.json")), AppContext.BaseDirectory);

        Assert.NotNull(rules.Methods);
        Assert.NotNull(rules.Sanctions);
        Assert.True(rules.IpCountries.Count >= 10);
        Assert.Equal(rules.Sanctions!.Names.Count + rules.BlockedCountries!.Entries.Count, rules.ListEntries);
    }

    [Fact]
    public void Parse_TheFullExampleInTheDocs_Compiles()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }
        var page = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "risk.md"));
        var start = page.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var example = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];

        var rules = RiskRuleParser.Parse(example, AppContext.BaseDirectory);

        Assert.NotNull(rules.Methods);
        Assert.NotNull(rules.CountPerDay);
        Assert.NotNull(rules.AmountPerDay);
        Assert.NotNull(rules.Declines);
        Assert.NotNull(rules.IpCountry);
        Assert.NotNull(rules.Distance);
        Assert.NotNull(rules.CrossBorder);
        Assert.NotNull(rules.BlockedCustomers);
        Assert.NotNull(rules.BlockedCards);
        Assert.NotNull(rules.BlockedIps);
        Assert.NotNull(rules.BlockedCountries);
        Assert.NotNull(rules.Sanctions);
        Assert.NotEmpty(rules.CustomerLevels);
    }
}
