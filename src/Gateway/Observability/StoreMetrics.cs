using System.Diagnostics.Metrics;

namespace Paygate.Gateway.Observability;

/// <summary>
/// The store's writes: how long a commit takes (SQLite: one batch, savepoints and fsync; PostgreSQL: one transaction) and,
/// for SQLite's single writer, how many units of work one commit carried.
/// </summary>
internal static class StoreMetrics
{
    private static readonly Histogram<double> CommitDuration = GatewayTelemetry.Meter.CreateHistogram<double>(
        "paygate.store.commit.duration", "s", "Store write transactions, from begin to durable commit, by store");

    private static readonly Histogram<long> CommitUnits = GatewayTelemetry.Meter.CreateHistogram<long>(
        "paygate.store.commit.units", "{unit}", "Units of work committed together by the SQLite writer (one fsync each commit)",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    private static readonly KeyValuePair<string, object?> Sqlite = new("store", "sqlite");
    private static readonly KeyValuePair<string, object?> Postgres = new("store", "postgres");

    public static void SqliteCommitted(int units, TimeSpan duration)
    {
        CommitDuration.Record(duration.TotalSeconds, Sqlite);
        CommitUnits.Record(units, Sqlite);
    }

    public static void PostgresCommitted(TimeSpan duration) => CommitDuration.Record(duration.TotalSeconds, Postgres);
}
