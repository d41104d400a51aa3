using System.CommandLine;
using System.Globalization;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Paygate.V1;
using Spectre.Console;

namespace Paygate.Cli.Commands;

/// <summary><c>paygate channels</c>: every configured channel with its circuit, recent success rate and latency (ChannelService.ListChannels, operator key).</summary>
public static class ChannelsCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var channels = new Command("channels", "Lists the channels: circuit (CLOSED healthy, OPEN skipped, HALF_OPEN probed), recent success and latency, flows and currencies. Needs the operator key.");
        commands.SetAction(channels, async (context, ct) =>
        {
            var response = await context.Channels.ListChannelsAsync(ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(response);
            }
            else
            {
                context.Output.Write(Table(response.Channels));
            }
            return ExitCodes.Ok;
        });
        return channels;
    }

    /// <summary>The channels a row each (also part of <c>report health</c>).</summary>
    public static Table Table(IEnumerable<Channel> channels)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("channel", "circuit", "success", "latency", "flows", "currencies", "query/close/refund");
        foreach (var c in channels)
        {
            table.AddRow(new Text(c.Id), new Markup(CircuitMarkup(c.CircuitState)),
                new Text(c.RecentSuccessRate.ToString("P0", CultureInfo.InvariantCulture)),
                new Text(c.RecentLatencyMs.ToString(CultureInfo.InvariantCulture) + " ms"),
                new Text(string.Join(", ", c.Flows)), new Text(string.Join(", ", c.Currencies.Select(l => l.Currency))),
                new Text(string.Join("/", new[] { c.SupportsQuery, c.SupportsClose, c.SupportsRefund }.Select(b => b ? "yes" : "no"))));
        }
        return table;
    }

    public static string CircuitMarkup(string state) => state switch
    {
        "CLOSED" => "[green]CLOSED[/]",
        "OPEN" => "[red]OPEN[/]",
        _ => $"[yellow]{Markup.Escape(state)}[/]",
    };
}
