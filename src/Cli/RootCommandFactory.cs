using System.CommandLine;
using Paygate.Cli.Commands;
using Paygate.Cli.Failures;

namespace Paygate.Cli;

/// <summary>The one list of <c>paygate</c>'s commands: a new command is added here, and nowhere else.</summary>
public static class RootCommandFactory
{
    public static RootCommand Create(CliHost host)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("paygate: the Paygate gateway from the command line, over gRPC with a merchant (or operator) key.\n\n" + ExitCodes.Help);
        options.AddTo(root);
        var commands = new CommandContextFactory(host, options);
        root.Subcommands.Add(PaymentsCommand.Create(commands));
        root.Subcommands.Add(ChannelsCommand.Create(commands));
        root.Subcommands.Add(ErrorsCommand.Create(commands));
        root.Subcommands.Add(EventsCommand.Create(commands));
        root.Subcommands.Add(ReportCommand.Create(commands));
        root.Subcommands.Add(EvidenceCommand.Create(commands));
        root.Subcommands.Add(Drills.DrillCommand.Create(commands));
        return root;
    }
}
