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
        Payments = new PaymentService.PaymentServiceClient(channel.Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + merchantKey);
            return headers;
        }));
    }

    public PaymentService.PaymentServiceClient Payments { get; }

    /// <summary>How many commits the store's writer made and how many units of work they carried.</summary>
    public (long Commits, long Units) WriterStatistics => _app.Services.GetRequiredService<Paygate.Gateway.Storage.Sqlite.SqliteDatabase>().WriterStatistics;

    public static async Task<GatewayUnderBench> StartAsync(string databasePath)
    {
        var (grpc, http) = (FreePort(), FreePort());
        var app = await GatewayApp.BuildAsync([], new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{http}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Paygate:NotifyBaseUrl"] = $"http://127.0.0.1:{http}",
            ["Storage:Sqlite:Path"] = databasePath,
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
        var merchantKey = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, SandboxCredentials.MerchantKeyFile)).Trim();
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
