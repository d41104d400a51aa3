using System.Net;
using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Tests.Risk;

public sealed class IpRangesTests
{
    [Theory]
    [InlineData("203.0.113.7", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("::ffff:203.0.113.7", true)]
    [InlineData("10.1", false)]
    [InlineData("2130706433", false)]
    [InlineData("0x7f.0.0.1", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    public void TryParse_AcceptsOnlyPlainAddresses(string text, bool valid)
    {
        Assert.Equal(valid, IpAddresses.TryParse(text, out _));
    }

    [Fact]
    public void Table_FindsTheRangeOfEachFamilyByBinarySearch()
    {
        var ranges = new[] { ("10.0.0.0/8", "A"), ("192.0.2.0/24", "B"), ("192.0.2.0/23", "x"), ("2001:db8::/32", "C"), ("2001:db8:1::/48", "x") }
            .Where(r => r.Item2 != "x")
            .Select(r => (IpRange.TryParse(r.Item1, out var range, out _) ? range : throw new InvalidOperationException(), r.Item2));
        var table = IpRangeTable<string>.Build(ranges, out var overlap);

        Assert.Null(overlap);
        Assert.True(table.TryFind(IPAddress.Parse("10.255.255.255"), out _, out var a) && a == "A");
        Assert.True(table.TryFind(IPAddress.Parse("192.0.2.200"), out _, out var b) && b == "B");
        Assert.False(table.TryFind(IPAddress.Parse("192.0.3.1"), out _, out _));
        Assert.False(table.TryFind(IPAddress.Parse("9.255.255.255"), out _, out _));
        Assert.True(table.TryFind(IPAddress.Parse("2001:db8:ffff::1"), out _, out var c) && c == "C");
        Assert.False(table.TryFind(IPAddress.Parse("2001:db9::"), out _, out _));
        // An IPv4 number never meets an IPv6 range (::a00:1 is not 10.0.0.1).
        Assert.False(table.TryFind(IPAddress.Parse("::a00:1"), out _, out _));
    }

    [Fact]
    public void Merge_JoinsOverlappingAndAdjacentRanges()
    {
        var ranges = new[] { "192.0.2.0/25", "192.0.2.128/25", "192.0.2.7", "198.51.100.0/24", "::/0" }
            .Select(t => IpRange.TryParse(t, out var r, out _) ? r : throw new InvalidOperationException(t));

        var table = IpRangeTable<bool>.Merge(ranges, true);

        Assert.Equal(3, table.Count);
        Assert.True(table.TryFind(IPAddress.Parse("192.0.2.255"), out var joined, out _));
        Assert.Equal("192.0.2.0-192.0.2.255", joined.ToString());
        Assert.True(table.TryFind(IPAddress.Parse("ffff::1"), out _, out _));
    }

    [Fact]
    public void Table_OfAHundredThousandRanges_AnswersEveryAddressRight()
    {
        var random = new Random(7);
        var starts = Enumerable.Range(0, 100_000).Select(_ => (uint)random.Next() & 0xFFFFFF00u).Distinct().ToArray();
        var table = IpRangeTable<bool>.Merge(starts.Select(s => new IpRange(false, s, s + 255)), true);
        var listed = starts.ToHashSet();

        for (var i = 0; i < 10_000; i++)
        {
            var address = (uint)random.Next();
            var bytes = BitConverter.GetBytes(address);
            Array.Reverse(bytes);
            Assert.Equal(listed.Contains(address & 0xFFFFFF00u), table.TryFind(new IPAddress(bytes), out _, out _));
        }
    }
}
