using System.Globalization;
using System.Net;
using System.Text;
using Paygate.V1;

namespace Paygate.Cli.Reports;

/// <summary>
/// The monthly payment health report as ONE self-contained HTML page: the charts are inline SVG drawn here (no script at all, no
/// font or image fetched), and a Content-Security-Policy of <c>default-src 'none'</c> keeps it that way, so that the file opens
/// offline and from a mail attachment alike. Each chart is marked <c>data-chart</c>, each bar or point <c>data-key</c> and
/// <c>data-value</c>, so that a test can read what was drawn.
/// </summary>
public static class HealthReportPage
{
    private const int BarWidth = 360;
    private const int LabelWidth = 170;

    public static string Render(HealthReport report)
    {
        var scope = report.GroupId.Length > 0 ? $"group {report.GroupId}" : "all payments";
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>Payment health {{E(report.Month)}}: {{E(scope)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
            table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { border: 1px solid #eee; padding: 8px; }
            .chart h3 { margin: 0 0 6px; font-size: 14px; } svg text { font-size: 11px; fill: #333; }
            .recommendations li { margin: 4px 0; }
            </style>
            </head>
            <body>
            <h1>Payment health, {{E(report.Month)}}</h1>
            <p>{{E(scope)}}; payments created from {{E(Time(report.StartTime))}} to {{E(Time(report.EndTime))}} (UTC{{E(report.UtcOffset)}});
            holidays from {{E(report.HolidayCalendar)}}. A payment counts as decided when it succeeded, failed or expired.</p>
            <table>
            <tr><th>payments</th><td class="n" data-figure="total">{{report.Overall.Total}}</td>
                <th>succeeded</th><td class="n" data-figure="succeeded">{{report.Overall.Succeeded}}</td>
                <th>failed or expired</th><td class="n" data-figure="unsuccessful">{{report.Overall.Unsuccessful}}</td>
                <th>success rate</th><td class="n" data-figure="rate">{{Percent(report.Overall.SuccessRate_)}}</td></tr>
            </table>
            <h2>Recommendations</h2>
            <ul class="recommendations">
            """);
        foreach (var recommendation in report.Recommendations)
        {
            html.Append($"<li data-recommendation=\"{E(recommendation.Kind.ToString())}\">{E(recommendation.Text)}</li>\n");
        }
        html.Append("</ul>\n<h2>Success rates</h2>\n<div class=\"charts\">\n");
        RateBars(html, "by-channel", "By channel (the payment's last attempt)", report.ByChannel);
        RateBars(html, "by-region", "By region (customer country)", report.ByRegion);
        html.Append("</div>\n<div class=\"charts\">\n");
        Hours(html, report.ByHour);
        html.Append("</div>\n<h2>Processing time and volume</h2>\n<div class=\"charts\">\n");
        var times = report.ProcessingTimes;
        Bars(html, "processing-time", "Average time to success (seconds)",
            [("working days", times.WorkingDayAverageMs / 1000.0, $"{Seconds(times.WorkingDayAverageMs)} s, {times.WorkingDayCount} payments"),
                ("weekends and holidays", times.HolidayAverageMs / 1000.0, $"{Seconds(times.HolidayAverageMs)} s, {times.HolidayCount} payments")]);
        Forecast(html, report.Forecast);
        html.Append("</div>\n<h2>Abnormal transactions</h2>\n<div class=\"charts\">\n");
        Bars(html, "abnormal", "Failed and expired, by error code",
            [.. report.Abnormal.Select(a => (a.ErrorCode, (double)(a.Failed + a.Expired), $"{a.Failed} failed, {a.Expired} expired"))]);
        html.Append("</div>\n<table>\n<tr><th>code</th><th>meaning</th><th>failed</th><th>expired</th></tr>\n");
        foreach (var a in report.Abnormal)
        {
            html.Append($"<tr><td>{E(a.ErrorCode)}</td><td>{E(a.Meaning)}</td><td class=\"n\">{a.Failed}</td><td class=\"n\">{a.Expired}</td></tr>\n");
        }
        html.Append("</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void RateBars(StringBuilder html, string name, string title, IEnumerable<SuccessRate> rates) =>
        Bars(html, name, title, [.. rates.Select(r => (r.Key, r.SuccessRate_ * 100, $"{Percent(r.SuccessRate_)} of {r.Succeeded + r.Unsuccessful} decided, {r.Total} payments"))],
            fixedMax: 100);

    /// <summary>Horizontal bars, one row each: label, bar, and what it stands for.</summary>
    private static void Bars(StringBuilder html, string name, string title, IReadOnlyList<(string Key, double Value, string Caption)> rows, double? fixedMax = null)
    {
        const int row = 22;
        var height = Math.Max(1, rows.Count) * row + 8;
        var max = fixedMax ?? Math.Max(1e-9, rows.Select(r => r.Value).DefaultIfEmpty(0).Max());
        html.Append($"<div class=\"chart\"><h3>{E(title)}</h3>\n");
        html.Append($"<svg data-chart=\"{name}\" role=\"img\" aria-label=\"{E(title)}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{LabelWidth + BarWidth + 260}\" height=\"{height}\">\n");
        if (rows.Count == 0)
        {
            html.Append("<text x=\"4\" y=\"16\">none</text>\n");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var (key, value, caption) = rows[i];
            var y = 4 + i * row;
            var width = Math.Max(1, value / max * BarWidth);
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{y + 14}\">{E(key)}</text>");
            html.Append(CultureInfo.InvariantCulture,
                $"<rect data-key=\"{E(key)}\" data-value=\"{value:0.###}\" x=\"{LabelWidth}\" y=\"{y}\" width=\"{width:0.#}\" height=\"{row - 6}\" fill=\"#4a7bd0\"><title>{E(key)}: {E(caption)}</title></rect>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 6:0.#}\" y=\"{y + 14}\">{E(caption)}</text>\n");
        }
        html.Append("</svg></div>\n");
    }

    /// <summary>24 columns: each hour's success rate, its payments in the tooltip.</summary>
    private static void Hours(StringBuilder html, IReadOnlyList<SuccessRate> hours)
    {
        const int column = 30, chart = 160;
        html.Append("<div class=\"chart\"><h3>By hour of the day (success rate; the number of payments above each column)</h3>\n");
        html.Append($"<svg data-chart=\"by-hour\" role=\"img\" aria-label=\"Success rate by hour\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{hours.Count * column + 40}\" height=\"{chart + 40}\">\n");
        html.Append($"<line x1=\"30\" y1=\"{chart + 10}\" x2=\"{hours.Count * column + 30}\" y2=\"{chart + 10}\" stroke=\"#999\"/>\n");
        for (var i = 0; i < hours.Count; i++)
        {
            var hour = hours[i];
            var height = hour.SuccessRate_ * chart;
            var x = 32 + i * column;
            html.Append(CultureInfo.InvariantCulture,
                $"<rect data-key=\"{E(hour.Key)}\" data-value=\"{hour.SuccessRate_ * 100:0.###}\" x=\"{x}\" y=\"{chart + 10 - height:0.#}\" width=\"{column - 6}\" height=\"{height:0.#}\" fill=\"#3c9a5f\">"
                + $"<title>{E(hour.Key)}:00 {Percent(hour.SuccessRate_)} of {hour.Succeeded + hour.Unsuccessful} decided, {hour.Total} payments</title></rect>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{chart + 24}\">{E(hour.Key)}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{chart + 6 - height:0.#}\">{hour.Total}</text>\n");
        }
        html.Append("</svg></div>\n");
    }

    /// <summary>The months' counts as a line, and the forecast as a dashed step to its point.</summary>
    private static void Forecast(StringBuilder html, VolumeForecast forecast)
    {
        const int step = 70, chart = 140;
        var points = forecast.History.Select(h => (h.Month, (double)h.PaymentCount)).Append((forecast.Month, (double)forecast.PaymentCount)).ToList();
        var max = Math.Max(1, points.Max(p => p.Item2));
        (double X, double Y) At(int i) => (40 + i * step, 24 + chart - points[i].Item2 / max * chart);
        html.Append($"<div class=\"chart\"><h3>Payments per month, and the forecast for {E(forecast.Month)}</h3>\n");
        html.Append($"<svg data-chart=\"forecast\" role=\"img\" aria-label=\"Volume forecast\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{points.Count * step + 40}\" height=\"{chart + 54}\">\n");
        var history = string.Join(' ', Enumerable.Range(0, points.Count - 1).Select(i => string.Create(CultureInfo.InvariantCulture, $"{At(i).X:0.#},{At(i).Y:0.#}")));
        html.Append($"<polyline data-series=\"history\" points=\"{history}\" fill=\"none\" stroke=\"#4a7bd0\" stroke-width=\"2\"/>\n");
        var last = At(points.Count - 2);
        var next = At(points.Count - 1);
        html.Append(CultureInfo.InvariantCulture,
            $"<polyline data-series=\"forecast\" points=\"{last.X:0.#},{last.Y:0.#} {next.X:0.#},{next.Y:0.#}\" fill=\"none\" stroke=\"#d0834a\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>\n");
        for (var i = 0; i < points.Count; i++)
        {
            var (x, y) = At(i);
            var colour = i == points.Count - 1 ? "#d0834a" : "#4a7bd0";
            html.Append(CultureInfo.InvariantCulture,
                $"<circle data-key=\"{E(points[i].Month)}\" data-value=\"{points[i].Item2:0}\" cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"4\" fill=\"{colour}\"><title>{E(points[i].Month)}: {points[i].Item2:0}</title></circle>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x - 20:0.#}\" y=\"{chart + 44}\">{E(points[i].Month)}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 6:0.#}\" y=\"{y - 6:0.#}\">{points[i].Item2:0}</text>\n");
        }
        html.Append("</svg>\n");
        html.Append($"<p>{E(forecast.Method)}</p></div>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
