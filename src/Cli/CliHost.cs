namespace Paygate.Cli;

/// <summary>
/// What the command line runs in: where its output and its errors go, whether the output is a terminal (colours and live
/// rendering only then), and the environment variables it reads (PAYGATE_ADDRESS, PAYGATE_API_KEY, NO_COLOR...). The process
/// gets the real ones; a test gives its own, so that it runs the same entry point in-process.
/// </summary>
/// <param name="Out">Standard output: tables, or with <c>--json</c> the JSON and nothing else.</param>
/// <param name="Error">Standard error: the one-line failure message.</param>
/// <param name="IsTerminal">Whether <paramref name="Out"/> is a terminal.</param>
/// <param name="Variable">Reads an environment variable (null when unset).</param>
public sealed record CliHost(TextWriter Out, TextWriter Error, bool IsTerminal, Func<string, string?> Variable)
{
    /// <summary>The process's own console and environment.</summary>
    public static CliHost ForProcess() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, Environment.GetEnvironmentVariable);

    /// <summary>Colours only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org).</summary>
    public bool Colors => IsTerminal && string.IsNullOrEmpty(Variable("NO_COLOR"));
}
