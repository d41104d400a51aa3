using System.Text.Json;
using Paygate.EndToEnd.Tests;

namespace Paygate.Cli.Tests;

/// <summary>Runs <c>paygate</c> against the shared real gateway with the sandbox merchant's (and, for operator commands, operator's) key.</summary>
public abstract class CliTestBase(GatewayFixture fixture)
{
    protected GatewayUnderTest Gateway => fixture.Gateway;

    protected string Address => $"http://127.0.0.1:{Gateway.Ports.Grpc}";

    /// <summary>Runs a command as the sandbox merchant (the key given as an option, as a user would type it).</summary>
    protected Task<CliRun> Merchant(params string[] args) => CliRun.RunAsync([.. args, "--address", Address, "--key", Gateway.Credentials.MerchantKey]);

    /// <summary>Runs a command with the operator key, given through the environment as a script would.</summary>
    protected Task<CliRun> Operator(params string[] args) => CliRun.RunAsync([.. args],
        new Dictionary<string, string> { ["PAYGATE_ADDRESS"] = Address, ["PAYGATE_OPERATOR_KEY"] = Gateway.Credentials.OperatorKey });

    /// <summary>Creates an approved card payment (4242..., settled at once) and returns its id.</summary>
    protected async Task<string> PaidCardPaymentAsync()
    {
        var run = await Merchant(CardArguments("4242424242424242"));
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("STATE_SUCCEEDED", json.RootElement.GetProperty("state").GetString());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    protected static string[] CardArguments(string number) =>
        ["payments", "create", "--amount", "12000", "--currency", "USD", "--description", "Cloud server, 1 year",
            "--card", number, "--expiry", "12/2031", "--cvc", "123", "--customer-type", "enterprise", "--country", "US", "--json"];

    /// <summary>Asserts a failure: exactly one line on stderr, nothing on stdout, and the family's exit code.</summary>
    protected static string AssertOneLineFailure(CliRun run, int exitCode)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Equal("", run.Out);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("paygate: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
        return line;
    }
}
