using System.Diagnostics;
using System.Text;

namespace Paygate.Simulators.Tests.Hosting;

/// <summary>The standalone simulators (<c>dotnet run --project src/Adapters.Simulators</c>) stop when asked, as a drill's tooling expects.</summary>
public sealed class StandaloneProcessTests : IDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("paygate-sim-").FullName;

    [Theory]
    [InlineData("TERM")] // a service manager or container runtime stopping it
    [InlineData("INT")]  // Ctrl+C in a terminal
    public async Task Signal_ProcessExitsWithinAFewSeconds(string signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var output = new StringBuilder();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Paygate.Simulators.dll"), "--urls", "http://127.0.0.1:0", "--keys-dir", _keys })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilAsync(() => { lock (output) { return output.ToString().Contains("Point a gateway at it", StringComparison.Ordinal); } }, TimeSpan.FromSeconds(60));

            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(exited.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            Assert.Fail($"the simulator did not stop on SIG{signal}: {output}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }
            await Task.Delay(100);
        }
    }

    public void Dispose() => Directory.Delete(_keys, recursive: true);
}
