using System.Net;
using System.Net.Sockets;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// The address ranges a webhook must not reach because they are not the public internet: ours, the cloud's, or
/// nobody's (IANA special-purpose registries, RFC 6890). IPv6 outside global unicast (2000::/3) is refused as a whole,
/// so a range IANA has not handed out yet cannot slip through; an IPv6 address that carries an IPv4 one (mapped,
/// compatible, 6to4) is judged by its IPv4 part.
/// </summary>
internal static class NonPublicAddresses
{
    /// <summary>A refused range: <paramref name="Kind"/> says what it is, for the reason given to a merchant.</summary>
    internal sealed record Range(IPNetwork Network, string Kind)
    {
        public bool IsLoopback => Kind == LoopbackKind;
    }

    private const string LoopbackKind = "loopback";

    private static readonly Range[] IPv4 =
    [
        new(IPNetwork.Parse("0.0.0.0/8"), "\"this network\""),
        new(IPNetwork.Parse("10.0.0.0/8"), "private"),
        new(IPNetwork.Parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
        new(IPNetwork.Parse("127.0.0.0/8"), LoopbackKind),
        new(IPNetwork.Parse("169.254.0.0/16"), "link-local (cloud metadata)"),
        new(IPNetwork.Parse("172.16.0.0/12"), "private"),
        new(IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignment"),
        new(IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        new(IPNetwork.Parse("192.88.99.0/24"), "6to4 relay anycast"),
        new(IPNetwork.Parse("192.168.0.0/16"), "private"),
        new(IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        new(IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        new(IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        new(IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        // Includes 255.255.255.255, the limited broadcast address.
        new(IPNetwork.Parse("240.0.0.0/4"), "reserved"),
    ];

    private static readonly Range[] IPv6 =
    [
        new(IPNetwork.Parse("::1/128"), LoopbackKind),
        new(IPNetwork.Parse("::/128"), "unspecified"),
        new(IPNetwork.Parse("64:ff9b::/96"), "NAT64"),
        new(IPNetwork.Parse("64:ff9b:1::/48"), "NAT64 (local use)"),
        new(IPNetwork.Parse("100::/64"), "discard-only"),
        new(IPNetwork.Parse("2001::/32"), "Teredo"),
        new(IPNetwork.Parse("2001:db8::/32"), "documentation"),
        new(IPNetwork.Parse("fc00::/7"), "unique local (private)"),
        new(IPNetwork.Parse("fe80::/10"), "link-local"),
        new(IPNetwork.Parse("fec0::/10"), "site-local"),
        new(IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly Range Reserved = new(IPNetwork.Parse("::/0"), "reserved");

    /// <summary>The refused range <paramref name="address"/> is in, or null when it is public.</summary>
    public static Range? RangeOf(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Array.Find(IPv4, r => r.Network.Contains(address));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return Reserved;
        }
        if (EmbeddedIPv4(address) is { } inner)
        {
            return RangeOf(inner);
        }
        var plain = address.ScopeId == 0 ? address : new IPAddress(address.GetAddressBytes());
        return Array.Find(IPv6, r => r.Network.Contains(plain)) ?? (GlobalUnicast.Contains(plain) ? null : Reserved);
    }

    /// <summary>
    /// The IPv4 address an IPv6 one stands for: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, but not
    /// :: or ::1, which are IPv6's own) and 6to4 (2002:aabb:ccdd::/48), where the stack or a relay would connect to it.
    /// </summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && (bytes[12] | bytes[13] | bytes[14]) != 0)
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
