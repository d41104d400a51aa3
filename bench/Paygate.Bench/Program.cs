using System.CommandLine;
using Paygate.Bench;

var seconds = new Option<double>("--seconds") { Description = "How long each measured run lasts.", DefaultValueFactory = _ => 5 };
var preload = new Option<int>("--preload") { Description = "How many payments to store before the last card runs.", DefaultValueFactory = _ => 1_000_000 };
var only = new Option<string?>("--only") { Description = "Run just one figure: card or alipay at 64 in flight (for profiling), or risk (the risk engine's cost: Assess alone, and card creates with the full rule set against allow-all), or groups (card creates booked to 10,000 sub-accounts of one group against unbooked ones)." };
var smoke = new Option<bool>("--smoke") { Description = "A quick pass: 200 calls a run and 10,000 stored payments, to check that the bench itself works." };
var store = new Option<string>("--store") { Description = "sqlite (the default bench) or postgres: card creates on SQLite and on PostgreSQL (one and two instances) in one run.", DefaultValueFactory = _ => "sqlite" };
var postgres = new Option<string?>("--postgres") { Description = "With --store postgres: the server's connection string (default: PAYGATE_BENCH_POSTGRES, else a throwaway cluster of tools/postgres/cluster.sh)." };
var root = new RootCommand("Paygate's benchmark: the bare gRPC floor, the RSA signing ceiling, and the real gateway's write and read paths.")
{
    seconds, preload, smoke, only, store, postgres,
};
root.SetAction(async (parsed, cancellationToken) =>
{
    var isSmoke = parsed.GetValue(smoke);
    var settings = new BenchSettings(
        TimeSpan.FromSeconds(isSmoke ? 60 : parsed.GetValue(seconds)),
        isSmoke ? 200 : null,
        isSmoke ? 10_000 : parsed.GetValue(preload),
        parsed.GetValue(only));
    return parsed.GetValue(store) switch
    {
        "sqlite" => await Bench.RunAsync(settings, Console.Out, cancellationToken),
        "postgres" => await StoreComparison.RunAsync(settings, parsed.GetValue(postgres) ?? Environment.GetEnvironmentVariable("PAYGATE_BENCH_POSTGRES"), Console.Out),
        var other => throw new ArgumentException($"--store {other}: sqlite or postgres"),
    };
});
return await root.Parse(args).InvokeAsync();
