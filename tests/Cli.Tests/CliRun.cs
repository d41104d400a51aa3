namespace Paygate.Cli.Tests;

/// <summary>What one run of <c>paygate</c> printed and how it exited.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Everything on stdout.</param>
/// <param name="Error">Everything on stderr.</param>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>The lines of stdout, without empty ones.</summary>
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Runs the command line's entry point in-process, with its own output and an environment of only <paramref name="environment"/>.</summary>
    public static async Task<CliRun> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, bool terminal = false,
        CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(output, error, terminal, name => environment?.GetValueOrDefault(name));
        // A command that never ends fails its test (interrupted, exit 130) instead of holding the run.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        var exitCode = await PaygateCommandLine.RunAsync(args, host, bound.Token);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
