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
        var root = RootCommandFactory.Create(host);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await host.Error.WriteLineAsync($"paygate: {FailureReport.OneLine(parsed.Errors[0].Message)} (see paygate --help)");
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error }, cancellationToken);
    }
}
