using System.CommandLine;
using Paygate.Cli.Commands;
using Paygate.Cli.Drills.Figures;
using Paygate.Cli.Drills.Report;
using Paygate.Cli.Drills.Running;
using Paygate.Cli.Drills.Scenarios;
using Paygate.Cli.Drills.Simulators;
using Paygate.Cli.Failures;
using Spectre.Console;

namespace Paygate.Cli.Drills;

/// <summary>
/// <c>paygate drill &lt;scenario&gt;</c>: a failover drill against the gateway and the standalone simulators, with a live progress bar,
/// an HTML report and the figures as JSON. Exits <see cref="ExitCodes.DrillMoneyWrong"/> when money was lost or charged twice, and
/// <see cref="ExitCodes.DrillExpectationsMissed"/> when only the scenario's thresholds were missed.
/// </summary>
public static class DrillCommand
{
    /// <summary>The standalone simulators' default address.</summary>
    public const string DefaultSimulators = "http://127.0.0.1:7070";

    public static Command Create(CommandContextFactory commands)
    {
        var scenario = new Argument<string>("scenario") { Description = "A scenario's name (primary-outage, slow-channel, lost-responses, tampered-answers, notification-storm, bank-timeout-wave, ci-smoke: the files in drills/) or a scenario file's path." };
        var simulators = new Option<string>("--simulators") { Description = $"The standalone simulators' address (dotnet run --project src/Adapters.Simulators; default {DefaultSimulators}).", DefaultValueFactory = _ => DefaultSimulators };
        var payments = new Option<int?>("--payments") { Description = "How many payments (default: the scenario's)." };
        var report = new Option<FileInfo?>("--report") { Description = "Write the HTML report (one self-contained file) here." };
        var reportJson = new Option<FileInfo?>("--report-json") { Description = "Write the figures as JSON here (--json prints them on stdout instead of the summary)." };
        var drill = new Command("drill", $"Runs a failover drill: payments through the gateway while the simulators misbehave, then the recovery and the ledger check. Exit {ExitCodes.DrillMoneyWrong}: money lost or charged twice; {ExitCodes.DrillExpectationsMissed}: a threshold of the scenario missed.")
        {
            scenario, simulators, payments, report, reportJson,
        };
        commands.SetAction(drill, async (context, ct) =>
        {
            var loaded = ScenarioFile.Load(context.Value(scenario));
            var count = context.Parsed.GetValue(payments) ?? loaded.Payments;
            if (count is < 1 or > 1_000_000)
            {
                throw new UsageException($"--payments must be 1 to 1000000 (got {count})");
            }
            if (!Uri.TryCreate(context.Value(simulators), UriKind.Absolute, out var simulatorsAddress) || simulatorsAddress.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--simulators must be the simulators' http:// address, e.g. {DefaultSimulators} (got '{context.Value(simulators)}')");
            }
            using var network = new SimulatorsClient(simulatorsAddress);
            var figures = await RunAsync(context, network, loaded, count, ct);
            if (context.Parsed.GetValue(report) is { } html)
            {
                await File.WriteAllTextAsync(html.FullName, DrillReport.Render(figures), ct);
            }
            if (context.Parsed.GetValue(reportJson) is { } json)
            {
                await File.WriteAllTextAsync(json.FullName, DrillJson.Write(figures), ct);
            }
            if (context.Output.Json)
            {
                context.Output.WriteJsonText(DrillJson.Write(figures));
            }
            else
            {
                DrillSummary.Write(context.Output, figures, context.Parsed.GetValue(report)?.FullName);
            }
            return figures.Passed ? ExitCodes.Ok : figures.MoneyRight ? ExitCodes.DrillExpectationsMissed : ExitCodes.DrillMoneyWrong;
        });
        return drill;
    }

    private static async Task<DrillFigures> RunAsync(CommandContext context, SimulatorsClient network, Scenario scenario, int count, CancellationToken ct)
    {
        if (context.Output.Json)
        {
            return await new DrillRunner(context.Client, network, Silent.Instance, TimeProvider.System).RunAsync(scenario, count, ct);
        }
        if (!context.Output.IsTerminal)
        {
            return await new DrillRunner(context.Client, network, new LineDrillProgress(context.Output.WriteLine), TimeProvider.System).RunAsync(scenario, count, ct);
        }
        DrillFigures? figures = null;
        await context.Output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                figures = await new DrillRunner(context.Client, network, new LiveDrillProgress(progress), TimeProvider.System).RunAsync(scenario, count, ct);
            });
        return figures!;
    }

    /// <summary>No progress at all (with <c>--json</c>, stdout carries the JSON and nothing else).</summary>
    private sealed class Silent : IDrillProgress
    {
        public static readonly Silent Instance = new();

        public void PaymentsStarted(int total)
        {
        }

        public void PaymentDone(int done, int refused)
        {
        }

        public void Note(string text)
        {
        }

        public void Recovering(int open, int total)
        {
        }
    }
}
