using System.Text;
using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway logging everything down to Debug, so that a scan of its logs sees every line it can write.</summary>
public sealed class VerboseGatewayFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Debug",
    };
}

/// <summary>
/// After a run that touches every secret (API keys, a webhook secret, the channels' private keys and shared secrets, card
/// numbers, refused keys), none of them is in the logs, in an error message, or in the database files in clear.
/// </summary>
public sealed class SecretScanTests(VerboseGatewayFixture fixture) : IClassFixture<VerboseGatewayFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private static CreatePaymentRequest Card(string number) => GatewayUnderTest.CardRequest(number);

    [Fact]
    public async Task AfterAFullRun_NoSecretIsInTheLogsErrorsOrDatabase()
    {
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var issued = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = Gateway.MerchantId, Description = "scan" });
        await using var receiver = await WebhookReceiver.StartAsync();
        var webhooks = new WebhookService.WebhookServiceClient(Gateway.Merchant);
        var endpoint = await webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = receiver.Url });
        receiver.Secret = endpoint.Secret;
        var payments = new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(Gateway.Channel, issued.Secret));
        var errors = new List<string>();

        var paid = await payments.CreatePaymentAsync(Card("4242424242424242"));
        await payments.RefundPaymentAsync(new RefundPaymentRequest { Id = paid.Id, AmountMinor = 2000 });
        await payments.CreatePaymentAsync(Card("4000000000009995")); // declined
        var qr = await payments.CreatePaymentAsync(GatewayUnderTest.Checkout(8888));
        Assert.Null(fixture.Simulators.BuyerPays("alipay", qr.NextAction.QrCode));
        await Gateway.WaitForAsync(qr.Id, p => p.State == Payment.Types.State.Succeeded);
        foreach (var bad in new[] { Card("4242424242424241"), Card("4242 4242 4242 4242 4242") })
        {
            errors.Add((await Assert.ThrowsAsync<RpcException>(() => payments.CreatePaymentAsync(bad).ResponseAsync)).Status.Detail);
        }
        var liveKey = issued.Secret.Replace("sk_test_", "sk_live_", StringComparison.Ordinal);
        var wrongKey = "sk_test_" + new string('W', 43);
        foreach (var key in new[] { liveKey, wrongKey, issued.Secret + "x" })
        {
            errors.Add((await Assert.ThrowsAsync<RpcException>(() =>
                new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(Gateway.Channel, key)).ListPaymentsAsync(new ListPaymentsRequest()).ResponseAsync)).Status.Detail);
        }
        await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Id = issued.Key.Id });
        await GatewayUnderTest.WaitUntilAsync(() => Task.FromResult(receiver.All.Any(r => r.Event.Payment.Id == qr.Id)), TimeSpan.FromSeconds(15), "a webhook delivered");

        var secrets = new Dictionary<string, string>
        {
            ["merchant key"] = Gateway.Credentials.MerchantKey,
            ["operator key"] = Gateway.Credentials.OperatorKey,
            ["issued key"] = issued.Secret,
            ["refused live key"] = liveKey,
            ["refused wrong key"] = wrongKey,
            ["webhook secret"] = endpoint.Secret,
            ["card number"] = "4242424242424242",
            ["declined card number"] = "4000000000009995",
            ["invalid card number"] = "4242424242424241",
        };
        foreach (var (name, value) in fixture.ChannelSettings)
        {
            if (value is null || !(name.EndsWith("PrivateKeyPem", StringComparison.Ordinal) || name.EndsWith("ApiKey", StringComparison.Ordinal)
                || name.EndsWith("SigningSecret", StringComparison.Ordinal) || name.EndsWith("ApiV3Key", StringComparison.Ordinal)))
            {
                continue;
            }
            // A PEM key is found by a run of its base64 body (a log would not keep its line breaks).
            secrets[name] = name.EndsWith("Pem", StringComparison.Ordinal) ? string.Concat(value.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))[100..160] : value;
        }

        var logs = string.Join('\n', Gateway.Logs.Lines.Select(l => l.ToString() + (l.Exception is null ? "" : " " + l.Exception)));
        Assert.Contains(Gateway.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Debug); // the scan saw everything a gateway can log
        var files = Directory.EnumerateFiles(fixture.DataDirectory).Where(f => Path.GetExtension(f) is not (".key" or ".json" or ".lock")).ToList();
        Assert.Contains(files, f => f.EndsWith("paygate.db", StringComparison.Ordinal));
        var stored = files.Select(f => (File: Path.GetFileName(f), Text: Encoding.UTF8.GetString(ReadShared(f)))).ToList();
        foreach (var (name, secret) in secrets)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"the {name} is in the logs");
            Assert.All(errors, e => Assert.False(e.Contains(secret, StringComparison.Ordinal), $"the {name} is in an error message: {e}"));
            Assert.All(stored, s => Assert.False(s.Text.Contains(secret, StringComparison.Ordinal), $"the {name} is in {s.File}"));
        }
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fixture.DataDirectory));
            foreach (var file in Directory.EnumerateFiles(fixture.DataDirectory, "*.key"))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    /// <summary>A file the running gateway holds open, read as it is on disk now.</summary>
    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
