using System.Text.Json;
using Paygate.EndToEnd.Tests;

namespace Paygate.Cli.Tests;

/// <summary><c>paygate channels</c>, <c>errors</c> and <c>report health</c> against the real gateway, with the operator key.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OperatorCommandTests(GatewayFixture fixture) : CliTestBase(fixture)
{
    [Fact]
    public async Task Channels_Table_ListsTheConfiguredChannelsWithTheirCircuits()
    {
        var run = await Operator("channels");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var channel in new[] { "alipay", "wechatpay", "card" })
        {
            Assert.Contains(run.OutLines, l => l.Contains($" {channel} ", StringComparison.Ordinal) && l.Contains("CLOSED", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Channels_Json_IsTheListChannelsResponse()
    {
        var run = await Operator("channels", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Contains(json.RootElement.GetProperty("channels").EnumerateArray(), c => c.GetProperty("id").GetString() == "card");
    }

    [Fact]
    public async Task Errors_Table_ListsTheCatalogueWithWhatToDo()
    {
        var run = await Operator("errors");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.OutLines, l => l.Contains("PM-1001", StringComparison.Ordinal) && l.Contains("DO_NOT_RETRY", StringComparison.Ordinal));
        Assert.Contains(run.OutLines, l => l.Contains("PM-6018", StringComparison.Ordinal) && l.Contains("RESOURCE_EXHAUSTED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Errors_OneCodeAsJson()
    {
        var run = await Operator("errors", "PM-2002", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var code = Assert.Single(json.RootElement.GetProperty("codes").EnumerateArray());
        Assert.Equal(("PM-2002", "QUERY_FIRST"), (code.GetProperty("code").GetString(), code.GetProperty("decision").GetString()));
    }

    [Fact]
    public async Task ReportHealth_ServingWithClosedCircuits_IsHealthy()
    {
        var run = await Operator("report", "health", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(("SERVING", "healthy"), (json.RootElement.GetProperty("gateway").GetString(), json.RootElement.GetProperty("verdict").GetString()));
        Assert.Contains(json.RootElement.GetProperty("channels").EnumerateArray(), c => c.GetProperty("id").GetString() == "alipay");
    }

    [Fact]
    public async Task ReportHealth_WithoutTheOperatorKey_SaysTheChannelsWereNotRead()
    {
        var run = await Merchant("report", "health");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SERVING, verdict healthy", run.Out, StringComparison.Ordinal);
        Assert.Contains("channels: not read", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Colours_OnlyOnATerminalWithoutNoColor()
    {
        var environment = new Dictionary<string, string> { ["PAYGATE_ADDRESS"] = Address, ["PAYGATE_OPERATOR_KEY"] = Gateway.Credentials.OperatorKey };

        var terminal = await CliRun.RunAsync(["channels"], environment, terminal: true);
        var piped = await CliRun.RunAsync(["channels"], environment, terminal: false);
        var noColor = await CliRun.RunAsync(["channels"], new Dictionary<string, string>(environment) { ["NO_COLOR"] = "1" }, terminal: true);

        Assert.Contains("\u001b[", terminal.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", piped.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", noColor.Out, StringComparison.Ordinal);
    }
}
