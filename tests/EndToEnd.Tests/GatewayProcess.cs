using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Paygate.Gateway;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// The gateway as its own operating-system process (<c>dotnet Paygate.Gateway.dll</c>), so that a test can kill it
/// the hard way, mid-work, as a crash or an OOM kill would.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly GrpcChannel _channel;

    private GatewayProcess(Process process, StringBuilder output, GrpcChannel channel, ApiCredentials credentials)
    {
        _process = process;
        _output = output;
        _channel = channel;
        Payments = new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(channel, credentials.MerchantKey));
        Webhooks = new WebhookService.WebhookServiceClient(ApiCredentials.WithKey(channel, credentials.MerchantKey));
    }

    public PaymentService.PaymentServiceClient Payments { get; }
    public WebhookService.WebhookServiceClient Webhooks { get; }

    /// <summary>The operating system's id of the process (part of its name in worker leases).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the gateway with <paramref name="settings"/> (written to a config file it reads) and waits until it serves.</summary>
    public static async Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string dataDirectory, (int Grpc, int Http) ports)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{ports.Grpc}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{ports.Http}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Paygate:NotifyBaseUrl"] = $"http://127.0.0.1:{ports.Http}",
            ["Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "paygate.db"),
            ["Simulators:InProcess"] = "false",
            // The simulators run beside the gateway: a sandbox (loopback webhooks, test keys), unless a test says otherwise.
            ["Paygate:Environment"] = "Sandbox",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var configFile = Path.Combine(dataDirectory, $"gateway-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(all));

        var dll = typeof(GatewayApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--ConfigFile");
        start.ArgumentList.Add(configFile);
        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the gateway process exited with {process.ExitCode}: {output}");
            }
            try
            {
                var answer = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return new GatewayProcess(process, output, channel, ApiCredentials.Read(dataDirectory));
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the gateway process did not start serving: {output}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown hooks, no flushing, nothing graceful.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
