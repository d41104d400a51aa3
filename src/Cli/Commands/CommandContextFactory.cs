using System.CommandLine;
using Paygate.Cli.Failures;

namespace Paygate.Cli.Commands;

/// <summary>Gives each command its action: a fresh <see cref="CommandContext"/>, and any failure reported in one line with its exit code.</summary>
public sealed class CommandContextFactory(CliHost host, GlobalOptions options)
{
    public GlobalOptions Options => options;

    /// <summary>Runs <paramref name="action"/> for <paramref name="command"/>; what it throws becomes one line on stderr and a family's exit code.</summary>
    public void SetAction(Command command, Func<CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, cancellationToken) =>
        {
            using var context = new CommandContext(parsed, host, options);
            try
            {
                return await action(context, cancellationToken);
            }
#pragma warning disable CA1031 // Every failure, whatever its type, is reported in one line: the command line never shows a stack trace.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                var report = FailureReport.For(failure, parsed.GetValue(options.Address) ?? host.Variable("PAYGATE_ADDRESS"));
                await host.Error.WriteLineAsync(report.Line);
                return report.ExitCode;
            }
        });
}
