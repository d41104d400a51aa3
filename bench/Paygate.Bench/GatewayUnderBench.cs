using System.Net;
using System.Net.Sockets;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Paygate.Gateway;
using Paygate.Gateway.Sandbox;
using Paygate.V1;

namespace Paygate.Bench;

/// <summary>The real gateway with its sandbox defaults (SQLite, in-process simulators), on loopback ports, in this process.</summary>
internal sealed class GatewayUnderBench : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private GatewayUnderBench(WebApplication app, GrpcChannel channel, string merchantKey)
    {
        _app = app;
        _channel = channel;
        var merchant = channel.Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + merchantKey);
            return headers;
        });
        Payments = new PaymentService.PaymentServiceClient(merchant);
        Groups = new GroupService.GroupServiceClient(merchant);
    }

    public PaymentService.PaymentServiceClient Payments { get; }

    /// <summary>The merchant's group accounts (the group bench makes its sub-accounts through them).</summary>
    public GroupService.GroupServiceClient Groups { get; }

    /// <summary>The gateway's services (the risk bench puts rule sets in force through them).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>How many commits the store's writer made and how many units of work they carried (SQLite's group commit).</summary>
    public (long Commits, long Units) WriterStatistics => _app.Services.GetRequiredService<Paygate.Gateway.Storage.Sqlite.SqliteDatabase>().WriterStatistics;

    /// <summary>The gateway on the SQLite file <paramref name="databasePath"/>.</summary>
    public static Task<GatewayUnderBench> StartAsync(string databasePath) =>
        StartAsync(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = databasePath });

    /// <summary>
    /// A gateway instance on the PostgreSQL database <paramref name="connectionString"/>; instances started with the same
    /// <paramref name="dataFolder"/> share the sandbox keys the first one made.
    /// </summary>
    public static Task<GatewayUnderBench> StartOnPostgresAsync(string connectionString, string dataFolder) =>
        StartAsync(dataFolder, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:Postgres:ConnectionString"] = connectionString,
            ["Storage:DataFolder"] = dataFolder,
            ["Webhooks:SecretKey"] = WebhookKey,
        });

    /// <summary>One webhook key for every instance of a run (they share the database).</summary>
    private static readonly string WebhookKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static async Task<GatewayUnderBench> StartAsync(string dataFolder, Dictionary<string, string?> storage)
    {
        // A free port can be taken by someone else (the in-process simulators) before the gateway binds it: try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(dataFolder, storage);
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<GatewayUnderBench> StartOnFreePortsAsync(string dataFolder, Dictionary<string, string?> storage)
    {
        var (grpc, http) = (FreePort(), FreePort());
        var app = await GatewayApp.BuildAsync([], new Dictionary<string, string?>(storage)
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{http}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Paygate:NotifyBaseUrl"] = $"http://127.0.0.1:{http}",
            ["Logging:LogLevel:Default"] = "Warning",
            // The bench measures the gateway, not a merchant's rate limit.
            ["RateLimits:PerSecond"] = "1000000",
            ["RateLimits:Burst"] = "1000000",
        });
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var merchantKey = File.ReadAllText(Path.Combine(dataFolder, SandboxCredentials.MerchantKeyFile)).Trim();
        return new GatewayUnderBench(app, channel, merchantKey);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
