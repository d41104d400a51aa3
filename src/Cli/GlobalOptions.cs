using System.CommandLine;

namespace Paygate.Cli;

/// <summary>
/// The options every command takes: where the gateway is, the keys to call it with, and <c>--json</c>. The keys have no default
/// value shown in the help (they are read from the environment when the option is absent, and never printed).
/// </summary>
public sealed class GlobalOptions
{
    /// <summary>The default gRPC address: the sandbox gateway on this machine.</summary>
    public const string DefaultAddress = "http://127.0.0.1:5080";

    public Option<string?> Address { get; } = new("--address")
    {
        Description = $"The gateway's gRPC address (default: $PAYGATE_ADDRESS, else {DefaultAddress}).",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "The merchant API key, sk_test_... or sk_live_... (default: $PAYGATE_API_KEY). Never printed.",
        Recursive = true,
    };

    public Option<string?> OperatorKey { get; } = new("--operator-key")
    {
        Description = "The operator API key, ok_test_... or ok_live_..., for channels, errors and report health (default: $PAYGATE_OPERATOR_KEY). Never printed.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print machine-readable JSON (protobuf JSON for the API's messages; one object a line for streams) and nothing else on stdout.",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command (they are recursive: every subcommand takes them).</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(Address);
        root.Options.Add(Key);
        root.Options.Add(OperatorKey);
        root.Options.Add(Json);
    }
}
