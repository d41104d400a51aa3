using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Paygate.Cli;
using Paygate.Gateway;
using Paygate.Simulators.Hosting;

namespace Paygate.Drills.Tests;

/// <summary>
/// The short drill CI runs (drills/ci-smoke.json: 300 payments while Alipay is down, WeChat Pay loses responses and card answers
/// are tampered with): <c>paygate drill</c> as a user runs it, against a real gateway and the simulators on loopback; then its
/// report is opened in Chromium.
/// </summary>
public sealed class CiDrillTests
{
    [ChromiumFact]
    public async Task Drill_CiSmoke_PassesWithNoMoneyLostAndWritesAReportTheBrowserDraws()
    {
        var data = Directory.CreateTempSubdirectory("paygate-drill-").FullName;
        await using var simulators = await SimulatorHost.StartAsync();
        var settings = SandboxSettings.For(simulators);
        var (grpcPort, httpPort) = (FreePort(), FreePort());
        foreach (var (name, value) in new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Paygate:NotifyBaseUrl"] = $"http://127.0.0.1:{httpPort}",
            ["Paygate:SweepInterval"] = "00:00:00.500",
            ["Storage:Sqlite:Path"] = Path.Combine(data, "paygate.db"),
            ["Simulators:InProcess"] = "false",
            ["Paygate:Environment"] = "Sandbox",
            ["RateLimits:PerSecond"] = "1000000",
            ["RateLimits:Burst"] = "1000000",
            ["Logging:LogLevel:Default"] = "Error",
        })
        {
            settings[name] = value;
        }
        await using var gateway = await GatewayApp.BuildAsync([], settings);
        await gateway.StartAsync();
        var key = (await File.ReadAllTextAsync(Path.Combine(data, Paygate.Gateway.Sandbox.SandboxCredentials.MerchantKeyFile))).Trim();
        var (html, jsonPath) = (Path.Combine(data, "report.html"), Path.Combine(data, "report.json"));
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await PaygateCommandLine.RunAsync(
            ["drill", "ci-smoke", "--address", $"http://127.0.0.1:{grpcPort}", "--key", key, "--simulators", simulators.BaseUrl, "--report", html, "--report-json", jsonPath],
            new CliHost(output, errors, IsTerminal: false, _ => null), CancellationToken.None);

        Assert.True(exit == 0, $"exit {exit}: {errors}\n{output}");
        using var figures = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var root = figures.RootElement;
        Assert.Equal(300, root.GetProperty("payments").GetProperty("requested").GetInt32());
        // Loose bounds for what a busy machine may change (a create refused twice, slower recovery); the money figures are exact.
        Assert.InRange(root.GetProperty("payments").GetProperty("created").GetInt32(), 285, 300);
        Assert.Equal(0, root.GetProperty("ledger").GetProperty("lost").GetArrayLength());
        Assert.Equal(0, root.GetProperty("ledger").GetProperty("chargedTwice").GetArrayLength());
        Assert.True(root.GetProperty("moneyRight").GetBoolean());
        Assert.True(root.GetProperty("failovers").EnumerateArray().Any(f => f.GetProperty("from").GetString() == "alipay"), "the Alipay outage made no failover");
        Assert.True(root.GetProperty("successRate").GetDouble() > 0.6, "success rate " + root.GetProperty("successRate"));
        Assert.Matches(@"drill: t=\d+s alipay: outage \(HTTP 503\)", output.ToString());
        Assert.Contains("drill passed: ci-smoke", output.ToString(), StringComparison.Ordinal);

        ReportInBrowser.AssertShows(await ReportInBrowser.DumpDomAsync(html), root);
        await gateway.StopAsync();
    }

    [Fact]
    public async Task Drill_SimulatorsNotRunning_SaysSoInOneLine()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await PaygateCommandLine.RunAsync(
            ["drill", "ci-smoke", "--address", "http://127.0.0.1:1", "--key", "sk_test_0123456789abcdefghijklmnopqrstuvwxyzABCDE", "--simulators", $"http://127.0.0.1:{FreePort()}"],
            new CliHost(output, errors, IsTerminal: false, _ => null), CancellationToken.None);

        Assert.Equal(2, exit);
        var line = errors.ToString().TrimEnd();
        Assert.StartsWith("paygate: cannot reach the simulators at http://127.0.0.1:", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public async Task Drill_UnknownScenario_SaysSoInOneLine()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await PaygateCommandLine.RunAsync(["drill", "primary-outtage"], new CliHost(output, errors, IsTerminal: false, _ => null), CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.StartsWith("paygate: unknown scenario 'primary-outtage': the scenarios in ", errors.ToString(), StringComparison.Ordinal);
        Assert.Single(errors.ToString().TrimEnd().Split('\n'));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
