using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paygate.Gateway;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// The real gateway host (Kestrel on loopback ports, SQLite in a temporary folder) pointed at real simulators
/// over HTTP, and a real gRPC client.
/// </summary>
public sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private GatewayUnderTest(WebApplication app, GrpcChannel channel, string httpBaseUrl, (int Grpc, int Http) ports, CapturedLogs logs, ApiCredentials credentials)
    {
        Logs = logs;
        Ports = ports;
        _app = app;
        _channel = channel;
        HttpBaseUrl = httpBaseUrl;
        Credentials = credentials;
        Merchant = ApiCredentials.WithKey(channel, credentials.MerchantKey);
        Operator = ApiCredentials.WithKey(channel, credentials.OperatorKey);
        Payments = new PaymentService.PaymentServiceClient(Merchant);
    }

    /// <summary>The sandbox merchant's payments.</summary>
    public PaymentService.PaymentServiceClient Payments { get; }
    /// <summary>The connection without credentials (health, reflection, and tests of refusals).</summary>
    public GrpcChannel Channel => _channel;
    /// <summary>The sandbox keys the gateway made on its first start.</summary>
    public ApiCredentials Credentials { get; }
    /// <summary>The sandbox merchant's id.</summary>
    public string MerchantId => _merchantId ??= _app.Services.GetRequiredService<Paygate.Gateway.Merchants.IMerchantStore>()
        .FindKeyByHashAsync(Paygate.Gateway.Merchants.ApiKeySecret.Hash(Credentials.MerchantKey), CancellationToken.None).GetAwaiter().GetResult()!.MerchantId!;
    private string? _merchantId;
    /// <summary>Calls as the sandbox merchant.</summary>
    public CallInvoker Merchant { get; }
    /// <summary>Calls as the sandbox operator.</summary>
    public CallInvoker Operator { get; }
    /// <summary>The ports it listens on; a restarted gateway takes the same ones, as a real one would.</summary>
    public (int Grpc, int Http) Ports { get; }
    public string HttpBaseUrl { get; }
    public Paygate.Gateway.Payments.IPaymentStore Store => _app.Services.GetRequiredService<Paygate.Gateway.Payments.IPaymentStore>();
    public IServiceProvider Services => _app.Services;
    /// <summary>What the gateway logged since it started, at the levels its logging settings let through.</summary>
    public CapturedLogs Logs { get; }

    public static async Task<GatewayUnderTest> StartAsync(IReadOnlyDictionary<string, string?> channelSettings, string dataDirectory,
        IReadOnlyDictionary<string, string?>? extra = null, (int Grpc, int Http)? ports = null)
    {
        var (grpcPort, httpPort) = ports ?? (FreePort(), FreePort());
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Paygate:NotifyBaseUrl"] = $"http://127.0.0.1:{httpPort}",
            ["Paygate:SweepInterval"] = "00:00:00.200",
            ["Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "paygate.db"),
            ["Simulators:InProcess"] = "false",
            // The simulators run beside the gateway: a sandbox (loopback webhooks, test keys), unless a test says otherwise.
            ["Paygate:Environment"] = "Sandbox",
            // Tests share one gateway per class and inject faults on purpose: circuits open only where a test asks.
            ["Resilience:Defaults:MinimumThroughput"] = "10000",
            ["ChannelHttp:Defaults:MinimumThroughput"] = "10000",
            // Likewise risk alerts (a risk.alert event on a payment a test follows) fire only where a test asks (RiskAlertFixture).
            ["Risk:Indicators:AlertsEnabled"] = "false",
            // The sandbox's rules without "declines in a row": a class's tests decline the same test cards many times over, and
            // each is about one thing. Risk control's own tests set the rules they test (RiskControlTests, RiskChallengeTests).
            ["Risk:RulesFile"] = Path.Combine(AppContext.BaseDirectory, "risk-rules.tests.json"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in channelSettings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var logs = new CapturedLogs();
        WebApplication app;
        for (var attempt = 1; ; attempt++)
        {
            app = await GatewayApp.BuildAsync([], settings);
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
            try
            {
                await app.StartAsync();
                break;
            }
            catch (IOException) when (ports is not null && attempt < 20)
            {
                // A restart on the ports of the gateway before it: a port just given up can be briefly held elsewhere
                // (another test's free-port probe picked it); try again shortly.
                await app.DisposeAsync();
                await Task.Delay(250);
            }
        }
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        return new GatewayUnderTest(app, channel, $"http://127.0.0.1:{httpPort}", (grpcPort, httpPort), logs, await CredentialsAsync(app.Services, dataDirectory));
    }

    /// <summary>
    /// The sandbox's keys; a live gateway takes none of those, so it gets live ones for the first merchant (made if there is
    /// none), as an operator would issue them.
    /// </summary>
    private static async Task<ApiCredentials> CredentialsAsync(IServiceProvider services, string dataDirectory)
    {
        if (services.GetRequiredService<Paygate.Gateway.Security.GatewayEnvironment>().IsSandbox)
        {
            return ApiCredentials.Read(dataDirectory);
        }
        var administration = services.GetRequiredService<Paygate.Gateway.Merchants.MerchantAdministration>();
        var merchant = (await administration.ListMerchantsAsync(null, 1, CancellationToken.None)).FirstOrDefault()
            ?? await administration.CreateMerchantAsync("test", "Live test merchant", null, CancellationToken.None);
        var (_, merchantKey) = await administration.CreateKeyAsync("test", merchant.Id, "live test key", null, CancellationToken.None);
        var (_, operatorKey) = await administration.CreateKeyAsync("test", null, "live test operator key", null, CancellationToken.None);
        return new ApiCredentials(merchantKey, operatorKey);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls until the payment satisfies <paramref name="condition"/>, or fails the test after a while.</summary>
    public async Task<Payment> WaitForAsync(string id, Func<Payment, bool> condition, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var payment = await Payments.GetPaymentAsync(new GetPaymentRequest { Id = id });
            if (condition(payment))
            {
                return payment;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"payment {id} is still {payment.State}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The one way a test waits for something other than a payment: polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout}: {what}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A payer's checkout with no channel chosen: routed by the checkout rule (Alipay, then WeChat Pay).</summary>
    public static CreatePaymentRequest Checkout(long amount) => new()
    {
        AmountMinor = amount,
        Currency = "CNY",
        Description = "Cloud server, 1 month",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN", Device = "mobile" },
    };

    /// <summary>A card payment of an enterprise customer in USD (the card channel's minimum is 100.00): approved with 4242..., settled at once.</summary>
    public static CreatePaymentRequest CardRequest(string number = "4242424242424242", long amount = 12_000, string currency = "USD", string? requestId = null) => new()
    {
        AmountMinor = amount,
        Currency = currency,
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "US" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = number, ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
        RequestId = requestId ?? "",
    };

    public static CreatePaymentRequest NewRequest(long amountMinor = 8888, string? requestId = null, string channel = "alipay") => new()
    {
        AmountMinor = amountMinor,
        Currency = "CNY",
        Description = "Cloud server ECS, 1 month",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN", Device = "pc" },
        PaymentMethod = new PaymentMethod { Channel = channel },
        RequestId = requestId ?? "",
    };

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>One simulator host and one gateway shared by the tests of a class.</summary>
public class GatewayFixture : IAsyncLifetime
{
    /// <summary>Settings a fixture adds to the gateway's (e.g. resilience that a test class needs).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("paygate-e2e-").FullName;

    /// <summary>Where the gateway keeps its database files.</summary>
    public string DataDirectory => _dataDirectory;

    public SimulatorHost Simulators { get; private set; } = null!;
    /// <summary>The sandbox credentials the gateway was started with (<c>Channels:...</c>).</summary>
    public IReadOnlyDictionary<string, string?> ChannelSettings { get; private set; } = null!;
    public GatewayUnderTest Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulators = await SimulatorHost.StartAsync();
        ChannelSettings = SandboxSettings.For(Simulators);
        Gateway = await GatewayUnderTest.StartAsync(ChannelSettings, _dataDirectory, ExtraSettings);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Simulators.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
