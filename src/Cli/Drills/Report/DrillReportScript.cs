namespace Paygate.Cli.Drills.Report;

/// <summary>
/// The report's own script: it reads the figures embedded in the page and draws each chart as inline SVG (no library, nothing
/// fetched). Line charts are one <c>polyline</c> per series with a point per second; bar charts a <c>rect</c> per item.
/// </summary>
internal static class DrillReportScript
{
    public const string Text = """
        (function () {
          "use strict";
          var data = JSON.parse(document.getElementById("drill-data").textContent);
          var NS = "http://www.w3.org/2000/svg";
          var W = 640, H = 220, L = 48, R = 12, T = 12, B = 28;
          function el(name, attrs, parent) {
            var e = document.createElementNS(NS, name);
            for (var k in attrs) { e.setAttribute(k, attrs[k]); }
            if (parent) { parent.appendChild(e); }
            return e;
          }
          function text(parent, x, y, s, anchor) {
            var t = el("text", { x: x, y: y, "text-anchor": anchor || "middle", "font-size": 11, fill: "#444" }, parent);
            t.textContent = s;
            return t;
          }
          function svgIn(id, name) {
            var svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, "data-chart": name, role: "img" });
            document.getElementById(id).appendChild(svg);
            return svg;
          }
          function niceMax(v) {
            if (v <= 0) { return 1; }
            var p = Math.pow(10, Math.floor(Math.log(v) / Math.LN10));
            var steps = [1, 2, 2.5, 5, 10];
            for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
            return 10 * p;
          }
          function lineChart(id, name, series, yMax, unit) {
            var svg = svgIn(id, name);
            var n = data.seconds.length;
            var xs = function (i) { return L + (n <= 1 ? 0 : i * (W - L - R) / (n - 1)); };
            var ys = function (v) { return H - B - v * (H - T - B) / yMax; };
            data.phases.forEach(function (p) {
              var end = p.endedAt === null ? n - 1 : p.endedAt;
              var x0 = xs(Math.min(p.startedAt, n - 1)), x1 = xs(Math.min(end, n - 1));
              var band = el("rect", { x: x0, y: T, width: Math.max(1, x1 - x0), height: H - T - B, fill: "#f4c7c3", opacity: 0.45, "class": "phase" }, svg);
              el("title", {}, band).textContent = p.network + ": " + p.faults;
            });
            el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888" }, svg);
            el("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#888" }, svg);
            [0, yMax / 2, yMax].forEach(function (v) {
              text(svg, L - 6, ys(v) + 4, (Math.round(v * 100) / 100) + unit, "end");
              el("line", { x1: L, y1: ys(v), x2: W - R, y2: ys(v), stroke: "#eee" }, svg);
            });
            var every = Math.max(1, Math.ceil(n / 10));
            for (var i = 0; i < n; i += every) { text(svg, xs(i), H - B + 16, i + "s"); }
            series.forEach(function (s, k) {
              var pts = data.seconds.map(function (d, i) { return xs(i).toFixed(1) + "," + ys(s.value(d)).toFixed(1); });
              el("polyline", { points: pts.join(" "), fill: "none", stroke: s.color, "stroke-width": 2, "data-series": s.name, "data-count": pts.length }, svg);
              var lx = L + 10 + k * 110;
              el("rect", { x: lx, y: T, width: 10, height: 10, fill: s.color }, svg);
              text(svg, lx + 14, T + 9, s.name, "start");
            });
          }
          function barChart(id, name, items, color) {
            var h = Math.max(40, 24 * items.length + 16);
            var svg = el("svg", { viewBox: "0 0 " + W + " " + h, width: W, height: h, "data-chart": name, role: "img" });
            document.getElementById(id).appendChild(svg);
            var max = niceMax(Math.max.apply(null, items.map(function (i) { return i.value; }).concat([1])));
            if (items.length === 0) { text(svg, W / 2, 24, "none"); }
            items.forEach(function (item, i) {
              var y = 8 + i * 24, x0 = 200, w = (W - x0 - 60) * item.value / max;
              text(svg, x0 - 8, y + 14, item.label, "end");
              el("rect", { x: x0, y: y, width: Math.max(1, w), height: 18, fill: color, "data-label": item.label, "data-value": item.value }, svg);
              text(svg, x0 + w + 6, y + 14, String(item.value), "start");
            });
          }
          var maxStarted = niceMax(Math.max.apply(null, data.seconds.map(function (d) { return d.started; }).concat([1])));
          lineChart("chart-throughput", "throughput", [{ name: "payments/s", color: "#1f77b4", value: function (d) { return d.started; } }], maxStarted, "");
          var maxLatency = niceMax(Math.max.apply(null, data.seconds.map(function (d) { return d.p99; }).concat([1])));
          lineChart("chart-latency", "latency", [
            { name: "p50", color: "#2ca02c", value: function (d) { return d.p50; } },
            { name: "p95", color: "#ff7f0e", value: function (d) { return d.p95; } },
            { name: "p99", color: "#d62728", value: function (d) { return d.p99; } }
          ], maxLatency, " ms");
          lineChart("chart-success", "success", [{ name: "success rate", color: "#9467bd", value: function (d) { return d.successRate * 100; } }], 100, "%");
          barChart("chart-failovers", "failovers", data.failovers.map(function (f) { return { label: f.from + " \u2192 " + f.to, value: f.count }; }), "#17becf");
          barChart("chart-outcomes", "outcomes", data.outcomes.map(function (o) { return { label: o.code, value: o.count }; }), "#8c564b");
          barChart("chart-attempt-errors", "attempt-errors", data.attemptErrors.map(function (o) { return { label: o.code, value: o.count }; }), "#e377c2");
          document.body.setAttribute("data-drawn", "true");
        })();
        """;
}
