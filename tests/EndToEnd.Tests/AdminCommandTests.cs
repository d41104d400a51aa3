using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Paygate.Gateway.Cli;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>The command line bootstraps merchants and keys without a key; the gateway then serves them.</summary>
public sealed partial class AdminCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("paygate-cli-").FullName;
    private string Database => Path.Combine(_folder, "paygate.db");
    private string Config => Path.Combine(_folder, "settings.json");

    public Task InitializeAsync() => File.WriteAllTextAsync(Config, JsonSerializer.Serialize(new { Paygate = new { Environment = "Sandbox" } }));

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await AdminCommands.RunAsync([.. args, "--database", Database, "--config", Config], output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [GeneratedRegex(@"key (key_\w+): ((?:sk|ok)_test_\w+)")]
    private static partial Regex KeyLine();

    [Fact]
    public async Task MerchantsAndKeysMadeOnTheCommandLine_AreServedByTheGateway_AndTheRunningGatewayKeepsTheDatabaseToItself()
    {
        var (code, output, _) = await RunAsync("merchants", "create", "--name", "Acme Cloud Ltd", "--per-second", "50", "--burst", "100");
        Assert.Equal(0, code);
        var merchantId = Regex.Match(output, @"merchant (mch_\w+)").Groups[1].Value;
        var merchantKey = KeyLine().Match(output).Groups[2].Value;
        var (operatorCode, operatorOutput, _) = await RunAsync("keys", "create", "--operator", "--description", "ops laptop");
        Assert.Equal(0, operatorCode);
        var operatorKey = KeyLine().Match(operatorOutput).Groups[2].Value;
        Assert.StartsWith("sk_test_", merchantKey, StringComparison.Ordinal);
        Assert.StartsWith("ok_test_", operatorKey, StringComparison.Ordinal);
        var (badCode, _, badErrors) = await RunAsync("keys", "create", "--merchant", merchantId, "--operator");
        Assert.Equal((2, true), (badCode, badErrors.Contains("PM-6001", StringComparison.Ordinal)));

        await using var simulators = await SimulatorHost.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(SandboxSettings.For(simulators), _folder);
        // The database had keys: the sandbox made none of its own.
        Assert.False(File.Exists(Path.Combine(_folder, "sandbox-merchant.key")));
        var payments = new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(gateway.Channel, merchantKey));
        var admin = new AdminService.AdminServiceClient(ApiCredentials.WithKey(gateway.Channel, operatorKey));

        var payment = await payments.CreatePaymentAsync(GatewayUnderTest.Checkout(1000));
        var merchant = await admin.GetMerchantAsync(new GetMerchantRequest { Id = merchantId });
        var (busyCode, _, busyErrors) = await RunAsync("merchants", "list");

        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
        Assert.Equal(("Acme Cloud Ltd", 50, 100), (merchant.Name, merchant.RateLimit.PerSecond, merchant.RateLimit.Burst));
        Assert.Equal(3, busyCode);
        Assert.Contains("Stop the gateway first", busyErrors, StringComparison.Ordinal);
        var audit = (await admin.ListAuditEntriesAsync(new ListAuditEntriesRequest())).Entries;
        Assert.Contains(audit, e => e.Action == "merchant.created" && e.Target == merchantId && e.Actor == "cli:" + Environment.UserName);
        Assert.Contains(audit, e => e.Action == "api_key.created" && e.Actor.StartsWith("cli:", StringComparison.Ordinal) && e.MerchantId == "");
    }

    [Fact]
    public async Task Revoke_OnTheCommandLine_StopsTheKey()
    {
        var (_, output, _) = await RunAsync("merchants", "create", "--name", "Short-lived Ltd");
        var keyId = KeyLine().Match(output).Groups[1].Value;
        var secret = KeyLine().Match(output).Groups[2].Value;

        var (code, revoked, _) = await RunAsync("keys", "revoke", keyId);
        var (_, listed, _) = await RunAsync("keys", "list", "--merchant", Regex.Match(output, @"merchant (mch_\w+)").Groups[1].Value);

        Assert.Equal(0, code);
        Assert.Contains("revoked", revoked, StringComparison.Ordinal);
        Assert.Contains(keyId + "  " + secret[..12] + "...  revoked", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        await using var simulators = await SimulatorHost.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(SandboxSettings.For(simulators), _folder);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(gateway.Channel, secret)).ListPaymentsAsync(new ListPaymentsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}
