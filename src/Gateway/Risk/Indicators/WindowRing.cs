namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// Counts in fixed windows (seconds, minutes, hours or days, numbered from the unix epoch), the last <c>size</c> of them in a
/// ring: a slot remembers which window it holds, so a slot left over from a window that has passed reads as nothing and is
/// cleared when its slot is next written. Not thread-safe: its merchant's lock guards it.
/// </summary>
internal sealed class WindowRing(int size, int counters)
{
    private readonly long[] _window = InitialWindows(size);
    private readonly long[] _values = new long[size * counters];

    private static long[] InitialWindows(int size)
    {
        var windows = new long[size];
        Array.Fill(windows, long.MinValue);
        return windows;
    }

    public void Add(long window, int counter, long amount = 1)
    {
        var slot = Slot(window);
        if (_window[slot] != window)
        {
            _window[slot] = window;
            Array.Clear(_values, slot * counters, counters);
        }
        _values[slot * counters + counter] += amount;
    }

    public long Get(long window, int counter)
    {
        var slot = Slot(window);
        return _window[slot] == window ? _values[slot * counters + counter] : 0;
    }

    /// <summary>The sum of a counter over the windows <paramref name="first"/> to <paramref name="last"/>, both included (at most the ring's size).</summary>
    public long Sum(long first, long last, int counter)
    {
        var total = 0L;
        for (var window = Math.Max(first, last - size + 1); window <= last; window++)
        {
            total += Get(window, counter);
        }
        return total;
    }

    private int Slot(long window) => (int)(((window % size) + size) % size);
}
