using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Paygate.Gateway.Risk;

/// <summary>An inclusive range of addresses of one family, as numbers (IPv4 in the low 32 bits).</summary>
/// <param name="IsV6">Whether the range is IPv6.</param>
/// <param name="Start">The first address.</param>
/// <param name="End">The last address.</param>
public readonly record struct IpRange(bool IsV6, UInt128 Start, UInt128 End)
{
    /// <summary>
    /// A single address (<c>203.0.113.7</c>) or a CIDR block (<c>198.51.100.0/24</c>, <c>2001:db8::/32</c>). A block with bits set
    /// past its prefix is refused: it usually means a typo, and silently widening it would list addresses nobody meant to.
    /// </summary>
    public static bool TryParse(string text, out IpRange range, out string reason)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IpAddresses.TryParse(addressText, out var address))
        {
            reason = $"'{text}' is not an IP address or CIDR block";
            return false;
        }
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            reason = $"'{text}' has a prefix length that is not 0 to {bits}";
            return false;
        }
        var value = IpAddresses.ToNumber(address);
        var hostBits = bits - prefix;
        var hostMask = hostBits == 0 ? UInt128.Zero : (hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1);
        if ((value & hostMask) != 0)
        {
            reason = $"'{text}' has bits set past its /{prefix} prefix";
            return false;
        }
        range = new IpRange(isV6, value, value | hostMask);
        reason = "";
        return true;
    }

    public override string ToString() => Start == End ? IpAddresses.Format(IsV6, Start) : $"{IpAddresses.Format(IsV6, Start)}-{IpAddresses.Format(IsV6, End)}";
}

/// <summary>Strict IP address text (IPv4 dotted quad, IPv6) and addresses as numbers.</summary>
public static class IpAddresses
{
    /// <summary>
    /// An IPv4 address in dotted-quad form, or an IPv6 address; an IPv4-mapped IPv6 address is its IPv4 address. The legacy
    /// forms <see cref="IPAddress.TryParse(string, out IPAddress)"/> also accepts (<c>10.1</c>, <c>0x7f.1</c>, <c>2130706433</c>) are refused:
    /// a merchant that sends them is sending something else.
    /// </summary>
    public static bool TryParse(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length is 0 or > 64 || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }
        if (parsed.AddressFamily == AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)))
            {
                return false;
            }
        }
        else if (parsed.AddressFamily != AddressFamily.InterNetworkV6 || parsed.ScopeId != 0 || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }

    /// <summary>The address as a number (IPv4 in the low 32 bits), without allocating.</summary>
    public static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static string Format(bool isV6, UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!isV6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
            return new IPAddress(bytes[..4]).ToString();
        }
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}

/// <summary>
/// Ranges of addresses with a value each, sorted per family for a binary search: a lookup among 100,000 ranges takes about
/// seventeen comparisons and allocates nothing. Ranges must not overlap (see <see cref="IpRangeTable{T}.Merge"/> for lists).
/// </summary>
public sealed class IpRangeTable<T>
{
    private readonly UInt128[] _v4Starts, _v4Ends, _v6Starts, _v6Ends;
    private readonly T[] _v4Values, _v6Values;

    private IpRangeTable(List<(IpRange Range, T Value)> v4, List<(IpRange Range, T Value)> v6)
    {
        (_v4Starts, _v4Ends, _v4Values) = Split(v4);
        (_v6Starts, _v6Ends, _v6Values) = Split(v6);
    }

    public static IpRangeTable<T> Empty { get; } = new([], []);

    /// <summary>How many ranges it holds.</summary>
    public int Count => _v4Starts.Length + _v6Starts.Length;

    private static (UInt128[], UInt128[], T[]) Split(List<(IpRange Range, T Value)> ranges) =>
        ([.. ranges.Select(r => r.Range.Start)], [.. ranges.Select(r => r.Range.End)], [.. ranges.Select(r => r.Value)]);

    /// <summary>A table of ranges that must not overlap; the first overlap is refused with both ranges named.</summary>
    public static IpRangeTable<T> Build(IEnumerable<(IpRange Range, T Value)> ranges, out string? overlap)
    {
        overlap = null;
        var v4 = ranges.Where(r => !r.Range.IsV6).OrderBy(r => r.Range.Start).ToList();
        var v6 = ranges.Where(r => r.Range.IsV6).OrderBy(r => r.Range.Start).ToList();
        foreach (var family in new[] { v4, v6 })
        {
            for (var i = 1; i < family.Count; i++)
            {
                if (family[i].Range.Start <= family[i - 1].Range.End)
                {
                    overlap = $"{family[i - 1].Range} and {family[i].Range} overlap";
                    return Empty;
                }
            }
        }
        return new IpRangeTable<T>(v4, v6);
    }

    /// <summary>A table of ranges where overlapping and adjacent ones are joined (a block list: what matters is whether an address is in).</summary>
    public static IpRangeTable<T> Merge(IEnumerable<IpRange> ranges, T value)
    {
        static List<(IpRange, T)> Join(IEnumerable<IpRange> family, T value)
        {
            var joined = new List<(IpRange, T)>();
            IpRange? open = null;
            foreach (var r in family.OrderBy(r => r.Start))
            {
                if (open is { } o && (r.Start <= o.End || o.End != UInt128.MaxValue && r.Start == o.End + 1))
                {
                    open = o with { End = UInt128.Max(o.End, r.End) };
                    continue;
                }
                if (open is { } done)
                {
                    joined.Add((done, value));
                }
                open = r;
            }
            if (open is { } last)
            {
                joined.Add((last, value));
            }
            return joined;
        }
        var list = ranges.ToList();
        return new IpRangeTable<T>(Join(list.Where(r => !r.IsV6), value), Join(list.Where(r => r.IsV6), value));
    }

    /// <summary>The range holding <paramref name="address"/> and its value, if any.</summary>
    public bool TryFind(IPAddress address, out IpRange range, out T value)
    {
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var (starts, ends, values) = isV6 ? (_v6Starts, _v6Ends, _v6Values) : (_v4Starts, _v4Ends, _v4Values);
        var number = IpAddresses.ToNumber(address);
        // The last range starting at or before the address is the only one that can hold it.
        var index = Array.BinarySearch(starts, number);
        if (index < 0)
        {
            index = ~index - 1;
        }
        if (index >= 0 && number <= ends[index])
        {
            range = new IpRange(isV6, starts[index], ends[index]);
            value = values[index];
            return true;
        }
        range = default;
        value = default!;
        return false;
    }
}
