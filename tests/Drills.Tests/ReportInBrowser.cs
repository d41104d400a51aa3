using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Paygate.Drills.Tests;

/// <summary>
/// Opens a drill's HTML report in headless Chromium (Debian's <c>chromium</c>; .ci/run installs it) and reads the DOM after the
/// page's script ran (<c>--dump-dom</c>): the charts it drew and the figures it shows.
/// </summary>
internal static partial class ReportInBrowser
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>The DOM of <paramref name="htmlPath"/> after its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string htmlPath)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does)");
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + Directory.CreateTempSubdirectory("paygate-chromium-").FullName, "--dump-dom", new Uri(htmlPath).AbsoluteUri })
        {
            start.ArgumentList.Add(argument);
        }
        using var chromium = Process.Start(start)!;
        var dom = chromium.StandardOutput.ReadToEndAsync();
        var errors = chromium.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await chromium.WaitForExitAsync(deadline.Token);
        Assert.True(chromium.ExitCode == 0, "chromium failed: " + await errors);
        return await dom;
    }

    /// <summary>Asserts that every chart is drawn with the data's points and bars, and that each figure shown equals the JSON's.</summary>
    public static void AssertShows(string dom, JsonElement figures)
    {
        Assert.Contains("data-drawn=\"true\"", dom, StringComparison.Ordinal);
        var seconds = figures.GetProperty("seconds").GetArrayLength();
        Assert.True(seconds > 0, "no seconds in the figures");
        foreach (var (chart, series) in new[] { ("throughput", 1), ("latency", 3), ("success", 1) })
        {
            var svg = Chart(dom, chart);
            var lines = Polyline().Matches(svg);
            Assert.Equal(series, lines.Count);
            foreach (Match line in lines)
            {
                Assert.Equal(seconds, line.Groups["points"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            }
        }
        foreach (var (chart, field, label) in new[] { ("failovers", "failovers", (Func<JsonElement, string>)(f => f.GetProperty("from").GetString() + " → " + f.GetProperty("to").GetString())), ("outcomes", "outcomes", o => o.GetProperty("code").GetString()!), ("attempt-errors", "attemptErrors", o => o.GetProperty("code").GetString()!) })
        {
            var bars = Bar().Matches(Chart(dom, chart)).ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups["label"].Value), m => int.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
            var expected = figures.GetProperty(field).EnumerateArray().ToDictionary(label, e => e.GetProperty("count").GetInt32());
            Assert.Equal(expected, bars);
        }
        var shown = Figure().Matches(dom).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["text"].Value.Trim());
        Assert.True(shown.Count >= 17, $"only {shown.Count} figures on the page");
        foreach (var (path, text) in shown)
        {
            Assert.True(Same(text, Expected(figures, path)), $"{path}: the page shows '{text}', the JSON says {Expected(figures, path)}");
        }
    }

    private static string Chart(string dom, string name)
    {
        var at = dom.IndexOf($"data-chart=\"{name}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"chart {name} was not drawn");
        return dom[at..dom.IndexOf("</svg>", at, StringComparison.Ordinal)];
    }

    /// <summary>The JSON's value at a <c>data-figure</c> path: a number, a count of listed payments, or a sum.</summary>
    private static JsonElement Expected(JsonElement figures, string path)
    {
        if (path == "failovers.total")
        {
            return JsonSerializer.SerializeToElement(figures.GetProperty("failovers").EnumerateArray().Sum(f => f.GetProperty("count").GetInt32()));
        }
        var value = path.Split('.').Aggregate(figures, (node, name) => node.GetProperty(name));
        return value.ValueKind == JsonValueKind.Array ? JsonSerializer.SerializeToElement(value.GetArrayLength()) : value;
    }

    private static bool Same(string shown, JsonElement expected) => expected.ValueKind switch
    {
        JsonValueKind.True => shown == "PASSED",
        JsonValueKind.False => shown.StartsWith("FAILED", StringComparison.Ordinal),
        // A share is shown as a percentage with two decimals.
        _ when shown.EndsWith(" %", StringComparison.Ordinal) => Math.Abs(double.Parse(shown[..^2], CultureInfo.InvariantCulture) - expected.GetDouble() * 100) < 0.006,
        _ => Math.Abs(double.Parse(shown, CultureInfo.InvariantCulture) - expected.GetDouble()) < 0.0006,
    };

    [GeneratedRegex("<polyline (?:[^>]* )?points=\"(?<points>[^\"]*)\"")]
    private static partial Regex Polyline();

    [GeneratedRegex("<rect [^>]*data-label=\"(?<label>[^\"]*)\" data-value=\"(?<value>[0-9]+)\"")]
    private static partial Regex Bar();

    [GeneratedRegex("data-figure=\"(?<path>[^\"]+)\"[^>]*>(?<text>[^<]*)<")]
    private static partial Regex Figure();
}

/// <summary>
/// A test that opens a report in Chromium: skipped on a machine without it (a newcomer's <c>dotnet test</c>), except in CI
/// (<c>CI=true</c>), where .ci/run installs it and a missing browser fails the test.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ReportInBrowser.Chromium) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{ReportInBrowser.Chromium} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does)";
        }
    }
}
