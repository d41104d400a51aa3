using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Reports;

namespace Paygate.Cli.Commands;

/// <summary>
/// <c>paygate report payment-health --month YYYY-MM [--group grp_...] --out report.html</c>: the month's payment health report
/// (ReportService.GetHealthReport, merchant key) written as one self-contained HTML page with its charts, or printed as JSON with
/// <c>--json</c>. Named apart from <c>report health</c>, which is the gateway's own health.
/// </summary>
public static class PaymentHealthCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var month = new Option<string>("--month") { Description = "The month, YYYY-MM (in the gateway's report time zone).", Required = true };
        var group = new Option<string?>("--group") { Description = "Only this group's payments (grp_...); all the merchant's payments without it." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the HTML page here (else, without --json, payment-health-<month>.html in the current folder)." };
        var command = new Command("payment-health",
            "The month's payment health report (merchant key): success rates by channel, region and hour, processing time on working days and "
            + "holidays, abnormal transactions by error code, recommendations and next month's forecast, as a self-contained HTML page with charts.")
        {
            month,
            group,
            output,
        };
        commands.SetAction(command, async (context, ct) =>
        {
            var report = await context.Client.Reports.GetHealthReportAsync(context.Value(month), context.Parsed.GetValue(group), ct);
            if (context.Output.Json && context.Parsed.GetValue(output) is null)
            {
                context.Output.WriteJson(report);
                return ExitCodes.Ok;
            }
            var file = context.Parsed.GetValue(output)?.FullName ?? Path.GetFullPath($"payment-health-{report.Month}.html");
            await File.WriteAllTextAsync(file, HealthReportPage.Render(report), ct);
            context.Output.WriteLine($"wrote {file}: {report.Overall.Total} payments in {report.Month}, {report.Recommendations.Count} recommendation(s)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
