using System.Net;
using System.Net.Sockets;
using Paygate.Cli.Failures;
using Paygate.EndToEnd.Tests;

namespace Paygate.Cli.Tests;

/// <summary>Every failure is one line on stderr (no stack trace, never the key) with the exit code of its family.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FailureTests(GatewayFixture fixture) : CliTestBase(fixture)
{
    [Fact]
    public async Task UnknownPayment_IsNotFound()
    {
        var line = AssertOneLineFailure(await Merchant("payments", "get", "pay_00000000000000000000000000", "--json"), ExitCodes.NotFound);

        Assert.StartsWith("paygate: PM-6003 ", line, StringComparison.Ordinal);
        Assert.Contains("check the id", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedPaymentId_IsABadArgumentSayingWhatAnIdLooksLike()
    {
        var line = AssertOneLineFailure(await Merchant("payments", "get", "pay_nope"), ExitCodes.Usage);

        Assert.StartsWith("paygate: PM-6001 id: must be a payment id: pay_ followed by 26 characters: fix the id", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_IsRefusedWithoutShowingIt()
    {
        const string key = "sk_test_0000000000000000000000000000wrong";

        var line = AssertOneLineFailure(await CliRun.RunAsync(["payments", "list", "--address", Address, "--key", key]), ExitCodes.Authentication);

        Assert.StartsWith("paygate: PM-6016 ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("0000wrong", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MerchantKeyForAnOperatorCommand_IsABadArgument()
    {
        var line = AssertOneLineFailure(await CliRun.RunAsync(["channels", "--address", Address, "--operator-key", Gateway.Credentials.MerchantKey]), ExitCodes.Usage);

        Assert.Contains("--operator-key must be an operator secret key", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Gateway.Credentials.MerchantKey, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableAddress_SaysSoAndWhatToCheck()
    {
        var closed = ClosedPort();

        var line = AssertOneLineFailure(await CliRun.RunAsync(["payments", "get", "pay_x", "--address", $"http://127.0.0.1:{closed}", "--key", Gateway.Credentials.MerchantKey]),
            ExitCodes.Unavailable);

        Assert.Contains($"cannot reach the gateway at http://127.0.0.1:{closed}", line, StringComparison.Ordinal);
        Assert.Contains("--address", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableAddress_ForReportHealth_IsOneLineToo()
    {
        var line = AssertOneLineFailure(await CliRun.RunAsync(["report", "health", "--address", $"http://127.0.0.1:{ClosedPort()}"]), ExitCodes.Unavailable);

        Assert.Contains("cannot reach the gateway", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "--amount must be a positive whole number of minor units, e.g. 12000 for 120.00 USD (got 'abc')")]
    [InlineData("-5", "--amount must be a positive whole number of minor units")]
    [InlineData("12.50", "(got '12.50')")]
    [InlineData("0", "(got '0')")]
    public async Task BadAmount_IsABadArgumentNamingTheOption(string amount, string expected)
    {
        var run = await Merchant("payments", "create", "--amount", amount, "--currency", "USD", "--description", "x");

        Assert.Contains(expected, AssertOneLineFailure(run, ExitCodes.Usage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AmountAboveTheCeiling_TheGatewaysRefusalNamesTheOption()
    {
        var line = AssertOneLineFailure(await Merchant("payments", "create", "--amount", "900000000000000", "--currency", "USD", "--description", "x"), ExitCodes.Usage);

        Assert.Matches("^paygate: PM-[56][0-9]{3} ", line);
        Assert.Contains("fix --amount", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "paygate needs a command: payments, channels, errors, events, report, evidence, drill (see paygate --help)")]
    [InlineData(new[] { "evidence" }, "paygate evidence needs a command: verify, export, heads")]
    [InlineData(new[] { "payments" }, "paygate payments needs a command: list, get, watch, create, cancel, refund")]
    [InlineData(new[] { "payments", "frobnicate" }, "unknown command or argument 'frobnicate': paygate payments takes list,")]
    [InlineData(new[] { "payments", "list", "--limit", "500" }, "--limit must be a whole number from 1 to 100 (got '500')")]
    [InlineData(new[] { "payments", "list", "--state", "paid" }, "paid")]
    [InlineData(new[] { "payments", "get", "pay_x" }, "--key is required")]
    [InlineData(new[] { "errors" }, "--operator-key is required")]
    [InlineData(new[] { "payments", "get", "pay_x", "--key", "sk_test_abcdefghijkl", "--address", "ftp://host" }, "--address must be")]
    public async Task BadArguments_AreOneLineWithExitTwo(string[] args, string expected)
    {
        var line = AssertOneLineFailure(await CliRun.RunAsync(args), ExitCodes.Usage);

        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
