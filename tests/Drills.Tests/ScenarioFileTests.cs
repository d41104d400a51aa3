using System.Text;
using Paygate.Cli.Drills.Scenarios;
using Paygate.Cli.Failures;

namespace Paygate.Drills.Tests;

/// <summary>The scenarios shipped in drills/ load, and a broken scenario is refused in one line naming the file, the line and the fault.</summary>
public sealed class ScenarioFileTests
{
    private static readonly string RepoRoot = RepositoryRoot.Find();

    public static TheoryData<string> Shipped() => new(Directory.EnumerateFiles(Path.Combine(RepoRoot, "drills"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Load_EachShippedScenarioByName_IsValidAndNamedAsItsFile(string name)
    {
        var scenario = ScenarioFile.Load(name, RepoRoot);

        Assert.Equal(name, scenario.Name);
        Assert.NotEmpty(scenario.Mix);
    }

    [Fact]
    public void Load_TheSixScenariosOfTheIssue_AreShipped()
    {
        foreach (var name in new[] { "primary-outage", "slow-channel", "lost-responses", "tampered-answers", "notification-storm", "bank-timeout-wave" })
        {
            Assert.True(File.Exists(Path.Combine(RepoRoot, "drills", name + ".json")), name);
        }
    }

    [Fact]
    public void Load_AnUnknownName_ListsTheScenariosThereAre()
    {
        var refused = Assert.Throws<UsageException>(() => ScenarioFile.Load("no-such-drill", RepoRoot));

        Assert.StartsWith("unknown scenario 'no-such-drill': the scenarios in ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("primary-outage", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnUnknownNetworkOnLineSix_NamesTheLineAndTheField()
    {
        var refused = Refused("""
            {
              "name": "x",
              "description": "d",
              "payments": 10,
              "mix": [ { "weight": 1, "amount": { "min": 100, "max": 200 } } ],
              "phases": [ { "at": 1, "network": "alipy", "faults": {} } ]
            }
            """);

        Assert.Equal("bad.json:6:26: phases[0].network 'alipy' is not one of alipay, wechatpay, unionpay, card, bank, swift", refused);
    }

    [Fact]
    public void Parse_AMisspelledField_NamesItsLine()
    {
        var refused = Refused("""
            {
              "name": "x",
              "description": "d",
              "payments": 10,
              "concurency": 4,
              "mix": [ { "weight": 1, "amount": { "min": 100, "max": 200 } } ]
            }
            """);

        Assert.StartsWith("bad.json:5:", refused, StringComparison.Ordinal);
        Assert.Contains("concurency: unknown field", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AWrongType_NamesTheLineAndTheField()
    {
        var refused = Refused("""
            {
              "name": "x",
              "description": "d",
              "payments": "ten",
              "mix": []
            }
            """);

        Assert.StartsWith("bad.json:4:", refused, StringComparison.Ordinal);
        Assert.Contains("payments: a value of the wrong type", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AMissingField_SaysWhichOne()
    {
        var refused = Refused("""
            {
              "name": "x",
              "payments": 10,
              "mix": [ { "weight": 1, "amount": { "min": 100, "max": 200 } } ]
            }
            """);

        Assert.Contains("lacks 'description'", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ARateAboveOne_NamesTheRateOnItsLine()
    {
        var refused = Refused("""
            {
              "name": "x",
              "description": "d",
              "payments": 10,
              "mix": [ { "weight": 1, "amount": { "min": 100, "max": 200 } } ],
              "phases": [
                { "at": 1, "for": 5, "network": "card",
                  "faults": { "tamperRate": 1.5 } }
              ]
            }
            """);

        Assert.Equal("bad.json:8:19: phases[0].faults.tamperRate is a share of calls, 0 to 1 (got 1.5)", refused);
    }

    [Fact]
    public void Parse_AnOutageWithoutALength_IsRefused()
    {
        var refused = Refused("""
            {
              "name": "x",
              "description": "d",
              "payments": 10,
              "mix": [ { "weight": 1, "amount": { "min": 100, "max": 200 } } ],
              "phases": [ { "at": 1, "network": "alipay", "faults": { "outage": true } } ]
            }
            """);

        Assert.StartsWith("bad.json:6:", refused, StringComparison.Ordinal);
        Assert.EndsWith("phases[0].faults.outage needs the phase's length in seconds (for)", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenJson_NamesTheLine()
    {
        var refused = Refused("{\n  \"name\": \"x\",\n  \"payments\": 10,\n  \"mix\": [\n");

        Assert.StartsWith("bad.json:5:", refused, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused);
    }

    private static string Refused(string json) =>
        Assert.Throws<UsageException>(() => ScenarioFile.Parse(Encoding.UTF8.GetBytes(json), "bad.json")).Message;
}
