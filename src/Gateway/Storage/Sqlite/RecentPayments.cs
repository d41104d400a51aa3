using System.Collections.Concurrent;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// The committed row (body and version) of recently written payments, so that the payment core's read right after its
/// own write costs no query. Safe because this process's writer is the only one that changes the file (a second
/// process is refused) and sets an entry on its own thread, in commit order, once the unit is durable; an entry only
/// ever moves to a newer version, and a version conflict forgets it. Bounded: the oldest entries are dropped first.
/// </summary>
internal sealed class RecentPayments(int capacity)
{
    private readonly ConcurrentDictionary<string, (long Version, string Body)> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public bool TryGet(string id, out long version, out string body)
    {
        if (_rows.TryGetValue(id, out var row))
        {
            (version, body) = row;
            return true;
        }
        (version, body) = (0, "");
        return false;
    }

    public void Forget(string id) => _rows.TryRemove(id, out _);

    /// <summary>Forgets everything (rows were changed in bulk, outside the payment store).</summary>
    public void Clear() => _rows.Clear();

    public void Committed(string id, long version, string body)
    {
        var added = false;
        _rows.AddOrUpdate(id, _ =>
        {
            added = true;
            return (version, body);
        }, (_, old) => old.Version >= version ? old : (version, body));
        if (!added)
        {
            return;
        }
        _order.Enqueue(id);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _rows.TryRemove(oldest, out _);
        }
    }
}
