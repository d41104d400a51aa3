namespace Paygate.Cli.Failures;

/// <summary>Arguments the command line cannot use (a missing key, a bad amount...): reported in one line, exit <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
