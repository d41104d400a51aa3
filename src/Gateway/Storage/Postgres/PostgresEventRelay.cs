using System.Text;
using Microsoft.Extensions.Options;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Gives committed events their stream position. With several writers, an id taken at insert is not commit order: a
/// transaction holding a smaller id may commit after a reader has passed a larger one, and the reader would never see it.
/// So events are written without a position (queued in <c>event_queue</c>), and a relay round, one at a time across every
/// instance (a transaction-level advisory lock), numbers the events committed so far after the last position given, in
/// insert order (<c>event_positions</c>; the event rows themselves are never rewritten), then notifies
/// (<c>NOTIFY paygate_events</c> with the payments concerned) in the same commit. Positions thus only grow in the order
/// readers can see them: a reader that resumes after a position misses nothing and sees nothing twice. A payment's own
/// events keep their order, as each change of a payment commits before the next one begins.
/// A write only wakes the relay (<see cref="Wake"/>): rounds run back to back while there is work, each placing whatever
/// committed meanwhile, so writers never wait for them. A reader of the stream first waits for a round that began after
/// its call (<see cref="RelayedAsync"/>; concurrent readers share it), so whoever heard of a change finds its event.
/// A timer relays what a dead instance committed but did not relay.
/// </summary>
public sealed class PostgresEventRelay(PostgresDatabase database, IOptions<PostgresStoreOptions> options, ILogger<PostgresEventRelay> logger) : BackgroundService
{
    public const string Channel = "paygate_events";

    /// <summary>The notification's payload: the payments' ids, or <c>*</c> when they do not fit in PostgreSQL's 8000 bytes.</summary>
    private const int MaxPayload = 7900;

    private const int RoundSize = 5000;

    /// <summary>How long a reader waits for a round before reading what is placed already (a stalled relay must not stall readers).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);
    private readonly Lock _sync = new();
    private TaskCompletionSource? _next;
    private bool _running;

    /// <summary>Asks for a round soon (a write committed events); does not wait for it.</summary>
    public void Wake() => _ = RelayedAsync(CancellationToken.None);

    /// <summary>Completes after a relay round that began after this call (so it saw every write committed before it) ended.</summary>
    public async Task RelayedAsync(CancellationToken cancellationToken)
    {
        Task round;
        lock (_sync)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            round = _next.Task;
            if (!_running)
            {
                _running = true;
                _ = Task.Run(RunRoundsAsync, CancellationToken.None);
            }
        }
        try
        {
            await round.WaitAsync(MaxWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("No relay round ended within {Wait}; reading the events placed so far", MaxWait);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The write is committed; its event reaches the stream at a later round (the timer's, or another instance's).
            logger.LogWarning("Events not relayed yet: {Error}", ex.Message);
        }
    }

    /// <summary>Runs rounds while callers wait for one; a caller arriving during a round waits for the next.</summary>
    private async Task RunRoundsAsync()
    {
        while (true)
        {
            TaskCompletionSource waiting;
            lock (_sync)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                waiting = _next;
                _next = null;
            }
            try
            {
                await RelayAsync(CancellationToken.None);
                waiting.TrySetResult();
            }
            catch (Exception ex)
            {
                waiting.TrySetException(ex);
            }
        }
    }

    /// <summary>One round: positions for every committed event that has none yet; returns how many it placed.</summary>
    public async Task<int> RelayAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var payments = await database.WriteAsync(async (connection, tx) =>
            {
                // Bounded: an instance stalled inside its round (a paused VM) loses its session, and with it the lock, after
                // the idle timeout; until then the others' rounds give up waiting and try again.
                await PostgresDatabase.ExecuteAsync(connection, tx,
                    "SET LOCAL lock_timeout = '5s'; SET LOCAL idle_in_transaction_session_timeout = '10s'; SELECT pg_advisory_xact_lock(@k)", cancellationToken,
                    ("k", RelayLock));
                var placed = await QueryAsync(connection, tx, """
                    WITH next AS (DELETE FROM event_queue WHERE event_id IN (SELECT event_id FROM event_queue ORDER BY event_id LIMIT @size) RETURNING event_id),
                         last AS (SELECT coalesce(max(sequence), 0) AS position FROM event_positions)
                    INSERT INTO event_positions (event_id, sequence, payment_id, merchant_id)
                    SELECT e.id, last.position + row_number() OVER (ORDER BY e.id), e.payment_id, e.merchant_id
                    FROM next JOIN payment_events e ON e.id = next.event_id CROSS JOIN last
                    RETURNING payment_id
                    """, r => r.GetString(0), cancellationToken, ("size", RoundSize));
                if (placed.Count > 0)
                {
                    await PostgresDatabase.ExecuteAsync(connection, tx, "SELECT pg_notify(@channel, @payload)", cancellationToken, ("channel", Channel), ("payload", Payload(placed)));
                }
                return placed.Count;
            }, cancellationToken);
            total += payments;
            if (payments < RoundSize)
            {
                return total;
            }
        }
    }

    private static string Payload(List<string> paymentIds)
    {
        var payload = new StringBuilder();
        foreach (var id in paymentIds.Distinct(StringComparer.Ordinal))
        {
            if (payload.Length + id.Length + 1 > MaxPayload)
            {
                return "*";
            }
            payload.Append(payload.Length == 0 ? "" : ",").Append(id);
        }
        return payload.ToString();
    }

    /// <summary>Relays, now and then, what an instance that died between its commit and its round left without a position.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RelayedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Event relay round failed: {Error}", ex.Message);
            }
        }
    }
}
