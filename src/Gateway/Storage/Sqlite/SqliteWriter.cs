using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Paygate.Gateway.Observability;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// The one writer of the SQLite file: a single connection and a queue of units of work. It takes every unit waiting,
/// runs each inside its own savepoint of one transaction, and commits them together: one fsync (synchronous=FULL)
/// for many callers, and no writer ever waits for another's lock. A unit that throws is rolled back alone and its
/// caller gets the exception; each caller is answered only once the commit that holds its unit is durable.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    /// <summary>Units committed together at most; bounds one transaction's size and the wait of the first caller in it.</summary>
    private const int MaxBatch = 512;
    private readonly SqliteConnection _connection;
    private readonly SqliteEvidenceChain _evidence;
    private readonly Channel<IUnit> _queue = Channel.CreateUnbounded<IUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public SqliteWriter(SqliteConnection connection, SqliteEvidenceChain evidence)
    {
        _connection = connection;
        _evidence = evidence;
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Units in the last commits, for the bench and diagnostics: how many units each fsync carried.</summary>
    public long Commits { get; private set; }

    public long UnitsCommitted { get; private set; }

    /// <summary>
    /// Queues a unit of work. <paramref name="committed"/> runs on the writer's thread once the unit is durable, before its
    /// caller hears of it and in commit order: what it records about the file can never be overtaken by an older commit.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, Action<T>? committed = null)
    {
        var unit = new Unit<T>(work, committed);
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "the store is shut down");
        }
        return unit.Task;
    }

    private void Run()
    {
        var batch = new List<IUnit>(MaxBatch);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var unit))
            {
                batch.Add(unit);
            }
            Commit(batch);
        }
    }

    private void Commit(List<IUnit> batch)
    {
        var done = new List<IUnit>(batch.Count);
        var started = Stopwatch.GetTimestamp();
        // The chain's last link in memory follows what is rolled back: a unit's own link, or the whole transaction's.
        var chainAtStart = _evidence.Mark();
        try
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = "u" + i;
                tx.Save(savepoint);
                var chainBefore = _evidence.Mark();
                try
                {
                    batch[i].Run(_connection, tx);
                    tx.Release(savepoint);
                    done.Add(batch[i]);
                }
                catch (Exception ex)
                {
                    _evidence.Reset(chainBefore);
                    tx.Rollback(savepoint);
                    tx.Release(savepoint);
                    batch[i].Fail(ex);
                }
            }
            tx.Commit();
        }
        catch (Exception ex)
        {
            // The transaction itself failed (disk full, I/O error): nothing of the batch is durable, as far as anyone can tell. The
            // chain's last link is read back from the file rather than assumed: a commit that failed after reaching the disk must
            // not leave memory one link behind (every later append would then collide).
            try
            {
                _evidence.Load(_connection);
            }
            catch (SqliteException)
            {
                _evidence.Reset(chainAtStart);
            }
            foreach (var unit in batch)
            {
                unit.Fail(ex);
            }
            return;
        }
        Commits++;
        UnitsCommitted += done.Count;
        StoreMetrics.SqliteCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
        foreach (var unit in done)
        {
            unit.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _connection.DisposeAsync();
    }

    private interface IUnit
    {
        void Run(SqliteConnection connection, SqliteTransaction tx);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Unit<T>(Func<SqliteConnection, SqliteTransaction, T> work, Action<T>? committed) : IUnit
    {
        // Continuations run on the thread pool, never on the writer's thread.
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Task => _result.Task;

        public void Run(SqliteConnection connection, SqliteTransaction tx) => _value = work(connection, tx);

        public void Complete()
        {
            try
            {
                committed?.Invoke(_value!);
            }
            finally
            {
                _result.TrySetResult(_value!);
            }
        }

        public void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
