using System.Diagnostics;

namespace Paygate.Bench;

/// <summary>
/// <c>--store postgres</c>: card creates on SQLite (the baseline, in the same run) and on PostgreSQL, with one gateway
/// instance and with two on the same database (each with its own in-process simulators and its own client share), and the
/// ratio the issue sets (PostgreSQL / SQLite &gt;= 0.5). The database: <c>--postgres</c>, else <c>PAYGATE_BENCH_POSTGRES</c>, else a
/// throwaway cluster of <c>tools/postgres/cluster.sh</c> (synchronous_commit=on, fsync=on).
/// </summary>
internal static class StoreComparison
{
    private static readonly int[] InFlight = [16, 64];

    public static async Task<int> RunAsync(BenchSettings settings, string? connectionString, TextWriter output)
    {
        string? cluster = null;
        if (connectionString is null)
        {
            cluster = Path.Combine(Path.GetTempPath(), $"paygate-bench-pg-{Environment.ProcessId}");
            connectionString = await ClusterAsync("start", cluster);
            output.WriteLine($"started a PostgreSQL cluster in {cluster}");
        }
        var folder = Directory.CreateTempSubdirectory("paygate-bench-");
        var figures = new List<RunFigures>();
        void Report(RunFigures f)
        {
            figures.Add(f);
            output.WriteLine(f);
        }
        try
        {
            await using (var sqlite = await GatewayUnderBench.StartAsync(Path.Combine(folder.FullName, "sqlite", "paygate.db")))
            {
                await Bench.WarmUpAsync(sqlite, settings);
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync("card create, SQLite", c, settings.RunLength, settings.CallsPerRun, _ => Bench.CardCreateAsync(sqlite)));
                }
            }
            var database = await FreshDatabaseAsync(connectionString);
            var shared = Path.Combine(folder.FullName, "postgres");
            Directory.CreateDirectory(shared);
            await using (var first = await GatewayUnderBench.StartOnPostgresAsync(database, shared))
            {
                await Bench.WarmUpAsync(first, settings);
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync("card create, PostgreSQL, 1 instance", c, settings.RunLength, settings.CallsPerRun, _ => Bench.CardCreateAsync(first)));
                }
                await using var second = await GatewayUnderBench.StartOnPostgresAsync(database, shared);
                await Bench.WarmUpAsync(second, settings);
                GatewayUnderBench[] both = [first, second];
                foreach (var c in InFlight)
                {
                    Report(await ClosedLoop.RunAsync("card create, PostgreSQL, 2 instances", c, settings.RunLength, settings.CallsPerRun, i => Bench.CardCreateAsync(both[i % 2])));
                }
            }
            output.WriteLine();
            RunFigures Find(string prefix, int c) => figures.First(f => f.Name.StartsWith(prefix, StringComparison.Ordinal) && f.InFlight == c);
            var ratio = Find("card create, PostgreSQL, 1", 64).PerSecond / Find("card create, SQLite", 64).PerSecond;
            output.WriteLine($"{"card create c=64, PostgreSQL / SQLite",-58} {ratio,8:F3}   target >= 0.5      {(ratio >= 0.5 ? "met" : "MISSED")}");
            output.WriteLine($"{"card create c=64, 2 instances / 1 instance (PostgreSQL)",-58} {Find("card create, PostgreSQL, 2", 64).PerSecond / Find("card create, PostgreSQL, 1", 64).PerSecond,8:F3}   (reported)");
            var errors = figures.Sum(f => f.Errors);
            output.WriteLine(errors == 0 ? "no call failed" : $"{errors} calls failed (see the runs above)");
            return errors == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            folder.Delete(recursive: true);
            if (cluster is not null)
            {
                await ClusterAsync("stop", cluster);
            }
        }
    }

    /// <summary>A new database on the server, so that every run starts empty.</summary>
    private static async Task<string> FreshDatabaseAsync(string server)
    {
        var name = $"paygate_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using (var connection = new Npgsql.NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> ClusterAsync(string verb, string folder)
    {
        var script = Path.Combine(RepositoryRoot(), "tools", "postgres", "cluster.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {verb} failed with {process.ExitCode}");
        }
        return output.Trim();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("Gateway.sln not found above the bench");
    }
}
