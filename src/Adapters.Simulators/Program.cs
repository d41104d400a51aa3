using System.Runtime.InteropServices;
using System.Text.Json;
using Paygate.Simulators.Hosting;

// Standalone simulators for drills: `dotnet run --project src/Adapters.Simulators [-- --urls http://127.0.0.1:7070]`.
// Issues a sandbox merchant app and writes its credentials where a gateway can load them.
var url = args.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:7070";
var keysDir = args.SkipWhile(a => a != "--keys-dir").Skip(1).FirstOrDefault() ?? ".sandbox";

await using var host = await SimulatorHost.StartAsync(url);
var settings = SandboxSettings.For(host);
settings["Simulators:InProcess"] = "false";
Directory.CreateDirectory(keysDir);
var configPath = Path.GetFullPath(Path.Combine(keysDir, "simulators.json"));
// A flat "a:b:c" key is valid in a JSON configuration file: the configuration system splits on ':'.
await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
}

Console.WriteLine($"Paygate simulators listening on {host.BaseUrl}");
Console.WriteLine($"  Alipay OpenAPI gateway: {host.AlipayGatewayUrl} (sandbox app_id {settings["Channels:Alipay:AppId"]})");
Console.WriteLine($"    pay a QR code as the buyer: curl -d qr_code=<qr> {host.BaseUrl}/alipay/buyer/pay");
Console.WriteLine($"  WeChat Pay API v3: {host.WeChatPayBaseUrl} (sandbox mchid {settings["Channels:WeChatPay:MchId"]})");
Console.WriteLine($"    pay a code_url as the buyer: curl -d code_url=<url> {host.WeChatPayBaseUrl}/buyer/pay");
Console.WriteLine($"  Ledgers: GET /<network>/ledger   Faults: PUT /<network>/faults");
Console.WriteLine($"Gateway credentials written to {configPath} (contains a private key; mode 0600).");
Console.WriteLine($"Point a gateway at it: dotnet run --project src/Gateway -- --ConfigFile {configPath}");

// The simulators' web host swallows SIGTERM and SIGINT to stop itself, so ProcessExit and CancelKeyPress never fire here:
// the process listens for the signals itself, stops the host in order, and exits.
var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    done.TrySetResult();
}
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onQuit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
await done.Task;
Console.WriteLine("Paygate simulators stopping");
