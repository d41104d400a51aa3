using Paygate.Simulators.Hosting;

namespace Paygate.Gateway.Sandbox;

/// <summary>
/// The zero-configuration sandbox: when no channel endpoint is configured and <c>Simulators:InProcess</c> is
/// not false, the network simulators start inside this process on a loopback port, a sandbox merchant app is
/// issued with freshly generated keys, and the channels are pointed at it. The adapters still talk real,
/// signed HTTP to them.
/// </summary>
public static class SandboxSimulators
{
    public static async Task<SimulatorHost?> StartIfUnconfiguredAsync(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (!WouldStart(config))
        {
            return null;
        }
        var host = await SimulatorHost.StartAsync("http://127.0.0.1:0");
        config.AddInMemoryCollection(SandboxSettings.For(host));
        builder.Services.AddSingleton(host);
        builder.Services.AddHostedService<SandboxShutdown>();
        return host;
    }

    /// <summary>Whether these settings start the simulators in-process: no channel configured, and <c>Simulators:InProcess</c> not false.</summary>
    public static bool WouldStart(IConfiguration config) =>
        config.GetValue("Simulators:InProcess", true) && !config.GetSection("Channels").GetChildren().Any();

    /// <summary>Stops the in-process simulators with the gateway.</summary>
    private sealed class SandboxShutdown(SimulatorHost host) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await host.DisposeAsync();
    }
}
