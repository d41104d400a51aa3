using System.Diagnostics;
using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Paygate.V1;

namespace Paygate.Bench;

/// <param name="RunLength">How long each measured run lasts.</param>
/// <param name="CallsPerRun">A cap on the calls of a run (smoke mode), or null.</param>
/// <param name="Preload">How many payments are stored before the last card runs.</param>
/// <param name="Only">One figure alone (card or alipay at 64 in flight), for a profiler to watch; null for all.</param>
internal sealed record BenchSettings(TimeSpan RunLength, int? CallsPerRun, int Preload, string? Only = null);

/// <summary>
/// One run of every figure, so that ratios compare numbers taken on the same machine at the same time: the floor
/// (bare grpc-dotnet), the crypto ceiling (RSA-2048 signatures), card and Alipay creates and GetPayment through the
/// real gateway at 1, 16 and 64 calls in flight, the card figures again over a large stored population, and memory.
/// </summary>
internal static class Bench
{
    private static readonly int[] InFlight = [1, 16, 64];

    public static async Task<int> RunAsync(BenchSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"Paygate bench, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"{(GCSettings() ? "server" : "workstation")} GC; runs of {settings.RunLength.TotalSeconds:F0} s{(settings.CallsPerRun is { } cap ? $" or {cap} calls" : "")}");
        if (settings.Only is { } one)
        {
            return await OnlyAsync(one, settings, output);
        }
        var figures = new List<RunFigures>();
        void Report(RunFigures f)
        {
            figures.Add(f);
            output.WriteLine(f);
        }

        // The floor.
        await using (var bare = await BareGrpcServer.StartAsync(GatewayUnderBench.FreePort()))
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{bare.Port}");
            var health = new Health.HealthClient(channel);
            foreach (var c in InFlight)
            {
                Report(await ClosedLoop.RunAsync("bare grpc-dotnet unary", c, settings.RunLength, settings.CallsPerRun,
                    _ => health.CheckAsync(new HealthCheckRequest()).ResponseAsync));
            }
        }

        // The crypto ceiling.
        var signatures = SigningRate.Measure(TimeSpan.FromSeconds(Math.Min(3, settings.RunLength.TotalSeconds)));
        output.WriteLine($"{"RSA-2048 signatures, all cores",-34}       {signatures,9:F0}/s  (ceiling for creates needing two: {signatures / 2:F0}/s)");

        var folder = Directory.CreateTempSubdirectory("paygate-bench-");
        var database = Path.Combine(folder.FullName, "paygate.db");
        try
        {
            string seed;
            long memoryBefore;
            await using (var gateway = await GatewayUnderBench.StartAsync(database))
            {
                memoryBefore = Memory();
                output.WriteLine($"gateway memory after start: {memoryBefore / 1_048_576} MiB managed heap, {WorkingSet() / 1_048_576} MiB working set (of the bench process, which hosts it)");
                seed = (await gateway.Payments.CreatePaymentAsync(CardRequest(), cancellationToken: cancellationToken)).Id;
                await WarmUpAsync(gateway, settings);
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync("CreatePayment card (empty store)", c, settings.RunLength, settings.CallsPerRun,
                        _ => Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest()).ResponseAsync)));
                }
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync("CreatePayment alipay", c, settings.RunLength, settings.CallsPerRun,
                        _ => gateway.Payments.CreatePaymentAsync(AlipayRequest()).ResponseAsync));
                }
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync("GetPayment", c, settings.RunLength, settings.CallsPerRun,
                        _ => gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = seed }).ResponseAsync));
                }
            }

            var took = Preload.Run(database, seed, settings.Preload);
            output.WriteLine($"preloaded {settings.Preload:N0} payments in {took.TotalSeconds:F1} s ({new FileInfo(database).Length / 1_048_576} MiB file)");
            long memoryAfter;
            await using (var gateway = await GatewayUnderBench.StartAsync(database))
            {
                await WarmUpAsync(gateway, settings);
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync($"CreatePayment card ({settings.Preload / 1000:N0}k stored)", c, settings.RunLength, settings.CallsPerRun,
                        _ => Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest()).ResponseAsync)));
                }
                memoryAfter = Memory();
            }
            output.WriteLine($"gateway memory (managed heap after a full collection): {memoryBefore / 1_048_576} MiB after start, {memoryAfter / 1_048_576} MiB after the runs over {settings.Preload:N0} stored payments; working set {WorkingSet() / 1_048_576} MiB");

            output.WriteLine();
            return Targets(figures, signatures, output) ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<int> OnlyAsync(string figure, BenchSettings settings, TextWriter output)
    {
        if (figure == "risk")
        {
            return await RiskBench.RunAsync(settings, output);
        }
        if (figure == "groups")
        {
            return await GroupBench.RunAsync(settings, output);
        }
        var folder = Directory.CreateTempSubdirectory("paygate-bench-");
        try
        {
            await using var gateway = await GatewayUnderBench.StartAsync(Path.Combine(folder.FullName, "paygate.db"));
            Func<int, Task> call = figure == "alipay"
                ? _ => gateway.Payments.CreatePaymentAsync(AlipayRequest()).ResponseAsync
                : _ => Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest()).ResponseAsync);
            await WarmUpAsync(gateway, settings);
            output.WriteLine($"process {Environment.ProcessId}: {figure} creates at 64 in flight for {settings.RunLength.TotalSeconds:F0} s");
            var run = await ClosedLoop.RunAsync($"CreatePayment {figure}", 64, settings.RunLength, settings.CallsPerRun, call);
            output.WriteLine(run);
            var (commits, units) = gateway.WriterStatistics;
            output.WriteLine($"store writer: {units} units in {commits} commits ({(double)units / Math.Max(1, commits):F1} a commit), "
                + $"CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0} s of {Environment.ProcessorCount} cores");
            return run.Errors == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Creates of both kinds, not counted, until the runtime's tiered compilation has settled (it recompiles hot code in the
    /// background for the first seconds, which would be charged to whichever run came first).
    /// </summary>
    internal static async Task WarmUpAsync(GatewayUnderBench gateway, BenchSettings settings)
    {
        var length = TimeSpan.FromSeconds(settings.CallsPerRun is null ? 5 : 1);
        await ClosedLoop.RunAsync("warm-up", 16, length, settings.CallsPerRun, i => i % 2 == 0
            ? gateway.Payments.CreatePaymentAsync(CardRequest()).ResponseAsync
            : gateway.Payments.CreatePaymentAsync(AlipayRequest()).ResponseAsync);
    }

    /// <summary>Prints the issue's ratios. Returns whether the bench itself worked (no errors); targets missed are reported, not failed.</summary>
    private static bool Targets(List<RunFigures> figures, double signatures, TextWriter output)
    {
        RunFigures Find(string prefix, int c) => figures.First(f => f.Name.StartsWith(prefix, StringComparison.Ordinal) && f.InFlight == c);
        var floor = Find("bare", 64);
        var card64 = Find("CreatePayment card (empty", 64);
        var card16 = Find("CreatePayment card (empty", 16);
        var alipay64 = Find("CreatePayment alipay", 64);
        var loaded64 = figures.Last(f => f.Name.StartsWith("CreatePayment card (", StringComparison.Ordinal) && f.InFlight == 64);
        void Line(string what, double value, string target, bool met) => output.WriteLine($"{what,-58} {value,8:F3}   target {target,-10} {(met ? "met" : "MISSED")}");
        output.WriteLine("Targets");
        Line("card create c=64 / bare gRPC c=64", card64.PerSecond / floor.PerSecond, ">= 0.08", card64.PerSecond / floor.PerSecond >= 0.08);
        Line("card create p99 at c=16 (ms)", card16.P99Ms, "<= 20", card16.P99Ms <= 20);
        Line("card create max at c=64 (ms)", card64.MaxMs, "<= 200", card64.MaxMs <= 200);
        Line("alipay create c=64 / (RSA signatures per s / 2)", alipay64.PerSecond / (signatures / 2), ">= 0.4", alipay64.PerSecond / (signatures / 2) >= 0.4);
        Line("card create c=64, stored population / empty store", loaded64.PerSecond / card64.PerSecond, ">= 0.9", loaded64.PerSecond / card64.PerSecond >= 0.9);
        var errors = figures.Sum(f => f.Errors);
        output.WriteLine(errors == 0 ? "no call failed" : $"{errors} calls failed (see the runs above)");
        return errors == 0;
    }

    /// <summary>One card create that must succeed (the card settles at once).</summary>
    internal static Task CardCreateAsync(GatewayUnderBench gateway) => Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest()).ResponseAsync);

    private static async Task Succeeded(Task<Payment> create)
    {
        var payment = await create;
        if (payment.State != Payment.Types.State.Succeeded)
        {
            throw new InvalidOperationException($"card payment {payment.Id} ended {payment.State} ({payment.Error?.Code})");
        }
    }

    private static CreatePaymentRequest CardRequest() => new()
    {
        AmountMinor = 12_000,
        Currency = "USD",
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "US", Device = "pc" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
    };

    private static CreatePaymentRequest AlipayRequest() => new()
    {
        AmountMinor = 8_888,
        Currency = "CNY",
        Description = "Cloud server, 1 month",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN", Device = "pc" },
        PaymentMethod = new PaymentMethod { Channel = "alipay" },
    };

    /// <summary>The managed heap after a full collection: what the gateway keeps (the working set also holds what the GC has not returned yet).</summary>
    private static long Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    private static bool GCSettings() => System.Runtime.GCSettings.IsServerGC;
}
