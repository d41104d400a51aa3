using System.Globalization;
using Paygate.Cli.Drills.Figures;
using Paygate.Cli.Output;
using Spectre.Console;

namespace Paygate.Cli.Drills;

/// <summary>The drill's result on the console: the verdict, the main figures, and every violation with its payment.</summary>
public static class DrillSummary
{
    public static void Write(CliOutput output, DrillFigures figures, string? reportPath)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("payments (created / asked)", $"{figures.Payments.Created} / {figures.Payments.Requested}");
        Row("succeeded", $"{figures.Payments.Succeeded} ({(figures.SuccessRate * 100).ToString("0.##", CultureInfo.InvariantCulture)} %)");
        Row("failed", figures.Payments.Failed.ToString(CultureInfo.InvariantCulture));
        Row("failovers", figures.Failovers.Sum(f => f.Count).ToString(CultureInfo.InvariantCulture));
        Row("latency p50 / p95 / p99 (ms)", string.Create(CultureInfo.InvariantCulture, $"{figures.LatencyMs.P50:0} / {figures.LatencyMs.P95:0} / {figures.LatencyMs.P99:0}"));
        Row("throughput (payments/s)", figures.Throughput.ToString("0.#", CultureInfo.InvariantCulture));
        Row("lost", figures.Ledger.Lost.Count.ToString(CultureInfo.InvariantCulture));
        Row("charged twice", figures.Ledger.ChargedTwice.Count.ToString(CultureInfo.InvariantCulture));
        Row("state and money disagree", figures.Ledger.Wrong.Count.ToString(CultureInfo.InvariantCulture));
        Row("unresolved", figures.Ledger.Unresolved.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var e in figures.Expectations)
        {
            Row($"{e.Name} (expected {e.Expected.ToString(CultureInfo.InvariantCulture)})", $"{e.Actual.ToString(CultureInfo.InvariantCulture)} {(e.Met ? "met" : "MISSED")}");
        }
        output.Write(table);
        foreach (var line in figures.Ledger.Lost.Select(id => id + ": lost").Concat(figures.Ledger.ChargedTwice.Select(d => "charged twice: " + d)).Concat(figures.Ledger.Wrong).Take(50))
        {
            output.WriteMarkupLine("[red]" + Markup.Escape(line) + "[/]");
        }
        var verdict = figures.Passed ? "[green]drill passed[/]" : figures.MoneyRight ? "[yellow]drill failed: a threshold was missed[/]" : "[red]drill failed: money lost or charged twice[/]";
        output.WriteMarkupLine($"{verdict}: {Markup.Escape(figures.Scenario)}" + (reportPath is null ? "" : $", report {Markup.Escape(reportPath)}"));
    }
}
