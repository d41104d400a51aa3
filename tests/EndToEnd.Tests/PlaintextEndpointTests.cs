using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Paygate.Gateway;

namespace Paygate.EndToEnd.Tests;

/// <summary>A live gateway's start-up with its gRPC endpoint in plaintext on every interface.</summary>
public sealed class PlaintextEndpointTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("paygate-plaintext-").FullName;

    // Built, never started: nothing binds 0.0.0.0 in a test.
    private Task<WebApplication> BuildLiveAsync(bool allowPlaintext) => GatewayApp.BuildAsync([], new Dictionary<string, string?>
    {
        ["Paygate:Environment"] = "Live",
        ["Paygate:AllowPlaintext"] = allowPlaintext ? "true" : "false",
        ["Simulators:InProcess"] = "false",
        ["Kestrel:Endpoints:Grpc:Url"] = $"http://0.0.0.0:{GatewayUnderTest.FreePort()}",
        ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{GatewayUnderTest.FreePort()}",
        ["Storage:Sqlite:Path"] = Path.Combine(_data, "paygate.db"),
    });

    [Fact]
    public async Task Live_GrpcInPlaintextOnAllInterfaces_RefusesToStartNamingTheEndpointAndTheSetting()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => BuildLiveAsync(allowPlaintext: false));

        Assert.Contains("Kestrel endpoint 'Grpc' (http://0.0.0.0:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Paygate:AllowPlaintext=true", ex.Message, StringComparison.Ordinal);
        // Refused before the store was opened.
        Assert.False(File.Exists(Path.Combine(_data, "paygate.db")));
    }

    [Fact]
    public async Task Live_GrpcInPlaintextBehindADeclaredTlsProxy_Builds()
    {
        await using (await BuildLiveAsync(allowPlaintext: true))
        {
            // Built to the end: the store was opened.
            Assert.True(File.Exists(Path.Combine(_data, "paygate.db")));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
