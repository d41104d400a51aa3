using System.Globalization;
using System.Net;
using System.Text;
using Paygate.Cli.Drills.Figures;

namespace Paygate.Cli.Drills.Report;

/// <summary>
/// The drill's HTML report: ONE self-contained file (no script, style or font fetched from anywhere). The figures are written into
/// the page here, each marked <c>data-figure="path"</c> with its path in the JSON; the charts are drawn in the browser as inline
/// SVG by <see cref="DrillReportScript"/> from the same figures, embedded as JSON.
/// </summary>
public static class DrillReport
{
    public static string Render(DrillFigures figures)
    {
        var html = new StringBuilder();
        var verdict = figures.Passed ? "PASSED" : figures.MoneyRight ? "FAILED: expectations not met" : "FAILED: money lost or charged twice";
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Paygate drill: {{E(figures.Scenario)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1360px; }
            h1 { margin-bottom: 4px; } .verdict { font-weight: bold; padding: 4px 10px; border-radius: 4px; display: inline-block; }
            .passed { background: #d4edda; } .failed { background: #f8d7da; }
            table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { border: 1px solid #eee; padding: 8px; }
            .chart h3 { margin: 0 0 6px; font-size: 14px; } ul.ids { font-family: monospace; font-size: 12px; max-height: 200px; overflow: auto; }
            </style>
            </head>
            <body>
            <h1>Drill: {{E(figures.Scenario)}}</h1>
            <p>{{E(figures.Description)}}</p>
            <p><span class="verdict {{(figures.Passed ? "passed" : "failed")}}" data-figure="passed" data-value="{{(figures.Passed ? "true" : "false")}}">{{E(verdict)}}</span>
            started {{E(figures.StartedAt.ToString("u", CultureInfo.InvariantCulture))}}, payments created in <span data-figure="createSeconds">{{N(figures.CreateSeconds)}}</span> s,
            whole drill <span data-figure="totalSeconds">{{N(figures.TotalSeconds)}}</span> s.</p>
            <h2>Figures</h2>
            <table>
            <tr><th>payments asked for</th><td class="n" data-figure="payments.requested">{{figures.Payments.Requested}}</td>
                <th>created</th><td class="n" data-figure="payments.created">{{figures.Payments.Created}}</td>
                <th>refused (no payment)</th><td class="n" data-figure="payments.refused">{{figures.Payments.Refused}}</td></tr>
            <tr><th>paid by the payer</th><td class="n" data-figure="payments.paidByPayer">{{figures.Payments.PaidByPayer}}</td>
                <th>succeeded</th><td class="n" data-figure="payments.succeeded">{{figures.Payments.Succeeded}}</td>
                <th>failed</th><td class="n" data-figure="payments.failed">{{figures.Payments.Failed}}</td></tr>
            <tr><th>success rate</th><td class="n" data-figure="successRate">{{Percent(figures.SuccessRate)}}</td>
                <th>throughput (payments/s)</th><td class="n" data-figure="throughput">{{N(figures.Throughput)}}</td>
                <th>failovers</th><td class="n" data-figure="failovers.total">{{figures.Failovers.Sum(f => f.Count)}}</td></tr>
            <tr><th>latency p50 (ms)</th><td class="n" data-figure="latencyMs.p50">{{N(figures.LatencyMs.P50)}}</td>
                <th>p95 (ms)</th><td class="n" data-figure="latencyMs.p95">{{N(figures.LatencyMs.P95)}}</td>
                <th>p99 (ms)</th><td class="n" data-figure="latencyMs.p99">{{N(figures.LatencyMs.P99)}}</td></tr>
            </table>
            """);
        Phases(html, figures);
        html.Append("""
            <h2>Over time</h2>
            <p>Per second of the drill, by the second each create call started; shaded: the fault phases. The success rate is the share of
            the payments started in that second that ended SUCCEEDED.</p>
            <div class="charts">
            <div class="chart"><h3>Throughput: create calls started per second</h3><div id="chart-throughput"></div></div>
            <div class="chart"><h3>Latency of the create call (p50, p95, p99)</h3><div id="chart-latency"></div></div>
            <div class="chart"><h3>Success rate</h3><div id="chart-success"></div></div>
            </div>
            <h2>Failovers and outcomes</h2>
            <div class="charts">
            <div class="chart"><h3>Failovers (first channel &#8594; last channel)</h3><div id="chart-failovers"></div></div>
            <div class="chart"><h3>Outcome by PM code (each payment, at the end)</h3><div id="chart-outcomes"></div></div>
            <div class="chart"><h3>Failed attempts by PM code</h3><div id="chart-attempt-errors"></div></div>
            </div>
            """);
        Ledger(html, figures);
        Expectations(html, figures);
        html.Append("<script type=\"application/json\" id=\"drill-data\">").Append(DrillJson.Write(figures)).Append("</script>\n");
        html.Append("<script>\n").Append(DrillReportScript.Text).Append("\n</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Phases(StringBuilder html, DrillFigures figures)
    {
        html.Append("<h2>Fault phases</h2>\n");
        if (figures.Phases.Count == 0)
        {
            html.Append("<p>None: the networks behaved.</p>\n");
            return;
        }
        html.Append("<table><tr><th>network</th><th>from (s)</th><th>to (s)</th><th>faults</th></tr>\n");
        foreach (var phase in figures.Phases)
        {
            html.Append($"<tr><td>{E(phase.Network)}</td><td class=\"n\">{N(phase.StartedAt)}</td><td class=\"n\">{(phase.EndedAt is { } end ? N(end) : "")}</td><td>{E(phase.Faults)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void Ledger(StringBuilder html, DrillFigures figures)
    {
        var ledger = figures.Ledger;
        html.Append($"""
            <h2>Ledger check</h2>
            <p>Every acknowledged payment read back from the gateway, and every network's ledger counted: what each payment's attempts
            really charged and refunded. {ledger.SecondChargesRefunded} second charges were refunded, as the failover rule says.</p>
            <table>
            <tr><th>lost (acknowledged, then not found)</th><td class="n" data-figure="ledger.lost">{ledger.Lost.Count}</td></tr>
            <tr><th>charged twice</th><td class="n" data-figure="ledger.chargedTwice">{ledger.ChargedTwice.Count}</td></tr>
            <tr><th>state and money disagree</th><td class="n" data-figure="ledger.wrong">{ledger.Wrong.Count}</td></tr>
            <tr><th>unresolved (no final state after the recovery wait)</th><td class="n" data-figure="ledger.unresolved">{ledger.Unresolved.Count}</td></tr>
            </table>

            """);
        foreach (var (title, ids) in new[] { ("Lost", ledger.Lost), ("Charged twice", ledger.ChargedTwice), ("State and money disagree", ledger.Wrong), ("Unresolved", ledger.Unresolved) })
        {
            if (ids.Count > 0)
            {
                html.Append($"<h3>{title}</h3>\n<ul class=\"ids\" data-list=\"{E(title)}\">");
                foreach (var id in ids)
                {
                    html.Append("<li>").Append(E(id)).Append("</li>");
                }
                html.Append("</ul>\n");
            }
        }
    }

    private static void Expectations(StringBuilder html, DrillFigures figures)
    {
        if (figures.Expectations.Count == 0)
        {
            return;
        }
        html.Append("<h2>Expectations</h2>\n<table><tr><th>threshold</th><th>expected</th><th>actual</th><th>met</th></tr>\n");
        foreach (var e in figures.Expectations)
        {
            html.Append($"<tr><td>{E(e.Name)}</td><td class=\"n\">{N(e.Expected)}</td><td class=\"n\">{N(e.Actual)}</td><td>{(e.Met ? "yes" : "NO")}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
