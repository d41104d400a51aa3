using System.Text.Json;
using Paygate.Cli.Drills.Figures;
using Paygate.Cli.Drills.Report;

namespace Paygate.Drills.Tests;

/// <summary>The HTML report in a real browser: one file that needs nothing else, charts drawn from its data, the same figures as the JSON.</summary>
public sealed class DrillReportTests
{
    private static DrillFigures Failed() => new()
    {
        Scenario = "primary-outage",
        Description = "Alipay is down <for a while> & payments fail over",
        StartedAt = DateTimeOffset.Parse("2026-11-29T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        CreateSeconds = 3.25,
        TotalSeconds = 12.5,
        Payments = new PaymentCounts(Requested: 40, Created: 39, Refused: 1, PaidByPayer: 30, Succeeded: 35, Failed: 2, Unresolved: 1),
        SuccessRate = 0.875,
        Throughput = 12,
        LatencyMs = new Percentiles(20.5, 140, 310.2),
        Seconds =
        [
            new SecondFigures(0, 12, 12, 1, 15, 30, 31),
            new SecondFigures(1, 14, 11, 0.7857, 40, 250, 310.2),
            new SecondFigures(2, 13, 11, 0.8462, 21, 90, 95),
            new SecondFigures(3, 1, 1, 1, 10, 10, 10),
        ],
        Failovers = [new Failover("alipay", "wechatpay", 9)],
        Outcomes = [new CodeCount("SUCCEEDED", 35), new CodeCount("PM-4002", 2), new CodeCount("LOST", 1), new CodeCount("PM-6003", 1), new CodeCount("PROCESSING", 1)],
        AttemptErrors = [new CodeCount("PM-4002", 11)],
        Phases = [new PhaseFigures("alipay", 0.5, 2.5, "outage (HTTP 503)")],
        Ledger = new LedgerFigures(["pay_lost1"], ["pay_twice1 (charged 2 times, refunded 0)"], [], ["pay_open1"], 1),
        Expectations = [new ExpectationResult("minSuccessRate", 0.95, 0.875, false)],
        MoneyRight = false,
        Passed = false,
    };

    [Fact]
    public void Render_IsOneFileThatFetchesNothing()
    {
        var html = DrillReport.Render(Failed());

        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        // Text from the scenario cannot end the data's script element or add markup.
        Assert.DoesNotContain("<for a while>", html, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Render_InChromium_DrawsEveryChartAndShowsTheJsonsFiguresAndTheNamedPayments()
    {
        var figures = Failed();
        var path = Path.Combine(Directory.CreateTempSubdirectory("paygate-report-").FullName, "report.html");
        await File.WriteAllTextAsync(path, DrillReport.Render(figures));

        var dom = await ReportInBrowser.DumpDomAsync(path);

        using var json = JsonDocument.Parse(DrillJson.Write(figures));
        ReportInBrowser.AssertShows(dom, json.RootElement);
        Assert.Contains("<li>pay_lost1</li>", dom, StringComparison.Ordinal);
        Assert.Contains("<li>pay_twice1 (charged 2 times, refunded 0)</li>", dom, StringComparison.Ordinal);
        Assert.Contains("<li>pay_open1</li>", dom, StringComparison.Ordinal);
        Assert.Contains("FAILED: money lost or charged twice", dom, StringComparison.Ordinal);
    }
}
