using System.CommandLine;
using Paygate.Cli.Failures;

namespace Paygate.Cli;

/// <summary>
/// The entry point of <c>paygate</c>: parses the arguments, refuses bad ones in one line (exit <see cref="ExitCodes.Usage"/>),
/// and runs the command. Every failure a command meets is turned into one line on stderr and an exit code by
/// <see cref="FailureReport"/>; nothing here prints a stack trace.
/// </summary>
public static class PaygateCommandLine
{
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken)
    {
        try
        {
            var parsed = RootCommandFactory.Create(host).Parse(args);
            if (parsed.Errors.Count > 0)
            {
                await host.Error.WriteLineAsync(FailureReport.Prefix + ParseFailure(parsed));
                return ExitCodes.Usage;
            }
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error }, cancellationToken);
        }
#pragma warning disable CA1031 // The last guard: whatever escaped is still one line, never a stack trace.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            var report = FailureReport.For(failure, null);
            await host.Error.WriteLineAsync(report.Line);
            return report.ExitCode;
        }
    }

    /// <summary>The one line for arguments that do not parse: an unknown word first, then a missing command, then the parser's own message.</summary>
    private static string ParseFailure(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var path = string.Join(' ', parsed.CommandResult.Command.Parents.OfType<Command>().Reverse().Select(c => c.Name).Append(command.Name)
            .Select((name, i) => i == 0 ? "paygate" : name));
        var help = $" (see {path} --help)";
        if (parsed.UnmatchedTokens.Count > 0)
        {
            return $"unknown command or argument '{parsed.UnmatchedTokens[0]}'" + (command.Subcommands.Count > 0 ? $": {path} takes {Names(command)}" : "") + help;
        }
        if (command.Action is null && command.Subcommands.Count > 0)
        {
            return $"{path} needs a command: {Names(command)}" + help;
        }
        return FailureReport.OneLine(parsed.Errors[0].Message) + help;
    }

    private static string Names(Command command) => string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
}
