using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Observability;

/// <summary>
/// Open unknown attempts, the webhook backlog and its oldest delivery's age. A scrape reads the last counts; when they are
/// older than <see cref="ObservabilityOptions.BacklogRefresh"/>, it starts one count in the background (two index scans),
/// so the store is asked at most that often, and never when nobody scrapes.
/// </summary>
internal sealed partial class BacklogGauges
{
    private readonly IBacklogCounts _counts;
    private readonly TimeProvider _clock;
    private readonly ILogger<BacklogGauges> _logger;
    private readonly TimeSpan _refresh;
    private Backlog? _latest;
    private DateTimeOffset _countedAt = DateTimeOffset.MinValue;
    private Task? _counting;
    private readonly Lock _sync = new();

    public BacklogGauges(IMeterFactory meters, IBacklogCounts counts, TimeProvider clock, IOptions<ObservabilityOptions> options, ILogger<BacklogGauges> logger)
    {
        _counts = counts;
        _clock = clock;
        _logger = logger;
        _refresh = options.Value.BacklogRefresh;
        var meter = meters.Create(GatewayTelemetry.Name);
        meter.CreateObservableGauge("paygate.attempts.unknown", () => Observe(b => b.UnknownAttempts), "{payment}",
            "Unfinished payments with an attempt whose outcome is unknown");
        meter.CreateObservableGauge("paygate.webhooks.pending", () => Observe(b => b.PendingWebhooks), "{delivery}",
            "Webhook deliveries waiting to be delivered (not yet delivered nor given up)");
        meter.CreateObservableGauge("paygate.webhooks.oldest_pending.age", () => Observe(b => b.OldestPendingWebhook is { } oldest
            ? Math.Max(0, (_clock.GetUtcNow() - oldest).TotalSeconds) : 0), "s", "Age of the oldest webhook delivery still waiting (0 when none)");
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<Backlog, T> value)
        where T : struct
    {
        var latest = Latest();
        return latest is null ? [] : [new Measurement<T>(value(latest))];
    }

    /// <summary>The last counts, starting a fresh count when they are stale; the first scrape waits briefly for the first count.</summary>
    private Backlog? Latest()
    {
        Task? counting;
        lock (_sync)
        {
            if (_counting is null && _clock.GetUtcNow() - _countedAt >= _refresh)
            {
                // Never inline: SQLite counts synchronously, and the count clears _counting when it ends.
                _counting = Task.Run(CountAsync);
            }
            counting = _counting;
        }
        if (_latest is null && counting is not null)
        {
            counting.Wait(TimeSpan.FromSeconds(2));
        }
        return _latest;
    }

    private async Task CountAsync()
    {
        try
        {
            _latest = await _counts.CountAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The store is down or busy: the gauges keep the last counts (the health check reports the store).
            CountFailed(_logger, ex.Message);
        }
        finally
        {
            lock (_sync)
            {
                _countedAt = _clock.GetUtcNow();
                _counting = null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not count the backlog for the gauges: {Reason}")]
    private static partial void CountFailed(ILogger logger, string reason);
}
