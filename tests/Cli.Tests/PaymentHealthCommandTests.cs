using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paygate.Cli.Failures;
using Paygate.EndToEnd.Tests;
using Paygate.V1;

namespace Paygate.Cli.Tests;

/// <summary><c>paygate report payment-health</c> against the real gateway, with the merchant key: the HTML page and its charts.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class PaymentHealthCommandTests(GatewayFixture fixture) : CliTestBase(fixture)
{
    [Fact]
    public async Task PaymentHealth_WritesASelfContainedPage_WhoseChartsShowTheMonthsPayments()
    {
        var paid = await PaidCardPaymentAsync();
        var declined = await Merchant(CardArguments("4000000000000002"));
        Assert.True(declined.ExitCode == ExitCodes.PaymentFailed, declined.ToString());
        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = paid });
        var month = payment.CreateTime.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var file = Path.Combine(Directory.CreateTempSubdirectory("paygate-health-").FullName, "health.html");

        var run = await Merchant("report", "payment-health", "--month", month, "--out", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"wrote {file}", run.Out);
        var html = await File.ReadAllTextAsync(file);
        Assert.Contains("default-src 'none'", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        foreach (var chart in new[] { "by-channel", "by-region", "by-hour", "processing-time", "forecast", "abnormal" })
        {
            Assert.Contains($"data-chart=\"{chart}\"", html);
        }
        Assert.Equal(24, Bars(html, "by-hour").Count);
        var card = Bars(html, "by-channel")["card"];
        Assert.InRange(card, 0.1, 99.9); // one approved and one declined at least
        Assert.Contains("PM-", string.Join(' ', Bars(html, "abnormal").Keys));
    }

    [Fact]
    public async Task PaymentHealth_Json_PrintsTheReportsData_AndAnUnknownGroupExitsNotFound()
    {
        await PaidCardPaymentAsync();
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var json = await Merchant("report", "payment-health", "--month", month, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(24, document.RootElement.GetProperty("byHour").GetArrayLength());

        var unknown = await Merchant("report", "payment-health", "--month", month, "--group", ReportSeeds.UnknownGroupId());
        Assert.Contains("PM-6041", AssertOneLineFailure(unknown, ExitCodes.NotFound));
        var badMonth = await Merchant("report", "payment-health", "--month", "2026-13");
        Assert.Contains("month", AssertOneLineFailure(badMonth, ExitCodes.Usage));
    }

    /// <summary>The bars of a chart: key to value.</summary>
    private static Dictionary<string, double> Bars(string html, string chart)
    {
        var start = html.IndexOf($"data-chart=\"{chart}\"", StringComparison.Ordinal);
        var svg = html[start..html.IndexOf("</svg>", start, StringComparison.Ordinal)];
        return Bar().Matches(svg).ToDictionary(m => m.Groups["key"].Value, m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("<rect data-key=\"(?<key>[^\"]*)\" data-value=\"(?<value>[0-9.]+)\"")]
    private static partial Regex Bar();
}
