using System.Net;
using System.Net.Sockets;
using Paygate.Gateway.Security;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Tests.Webhooks;

public sealed class WebhookAddressPolicyTests
{
    private static readonly WebhookAddressPolicy Live = new(GatewayEnvironment.Live);
    private static readonly WebhookAddressPolicy Sandbox = new(GatewayEnvironment.Sandbox);

    [Theory]
    // 0.0.0.0/8 "this network"
    [InlineData("0.0.0.0")]
    [InlineData("0.255.255.255")]
    // 10/8 private
    [InlineData("10.0.0.0")]
    [InlineData("10.255.255.255")]
    // 100.64/10 carrier-grade NAT
    [InlineData("100.64.0.0")]
    [InlineData("100.127.255.255")]
    // 169.254/16 link-local, cloud metadata
    [InlineData("169.254.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.255.255")]
    // 172.16/12 private
    [InlineData("172.16.0.0")]
    [InlineData("172.31.255.255")]
    // 192.0.0/24 IETF, 192.0.2/24 documentation
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    // 192.168/16 private
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    // 198.18/15 benchmarking
    [InlineData("198.18.0.0")]
    [InlineData("198.19.255.255")]
    // documentation
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    // 224/4 multicast, 240/4 reserved, limited broadcast
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.255")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    // IPv6: unspecified, unique local, link-local, multicast, documentation, NAT64
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fdff:ffff::1")]
    [InlineData("fe80::1")]
    [InlineData("fe80::1%2")]
    [InlineData("febf:ffff::1")]
    [InlineData("ff02::1")]
    [InlineData("ff0e::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:db8:ffff::1")]
    [InlineData("64:ff9b::808:808")]
    // IPv6 outside global unicast 2000::/3
    [InlineData("4000::1")]
    // IPv4-mapped, IPv4-compatible and 6to4 forms of non-public IPv4 addresses
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::10.0.0.1")]
    [InlineData("::169.254.169.254")]
    [InlineData("2002:a9fe:a9fe::1")]
    public void NonPublicAddress_IsRefused_InLiveAndSandbox(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.NotNull(Live.AddressRefusal(ip));
        Assert.NotNull(Sandbox.AddressRefusal(ip));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::127.0.0.1")]
    public void Loopback_IsRefusedLive_ButAllowedInTheSandbox(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.Contains("loopback", Live.AddressRefusal(ip));
        Assert.Null(Sandbox.AddressRefusal(ip));
    }

    [Theory]
    // Just outside the refused ranges
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.0.1.0")]
    [InlineData("192.0.3.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2001:db9::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    public void PublicAddress_IsAllowed_InLiveAndSandbox(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.Null(Live.AddressRefusal(ip));
        Assert.Null(Sandbox.AddressRefusal(ip));
    }

    [Theory]
    [InlineData("https://shop.example.com/hooks", true, true)]
    [InlineData("http://shop.example.com/hooks", false, true)]
    [InlineData("ftp://shop.example.com/hooks", false, false)]
    [InlineData("file:///etc/passwd", false, false)]
    [InlineData("https://user:pass@shop.example.com/hooks", false, false)]
    [InlineData("https://shop.example.com/hooks#part", false, false)]
    public void Form_LiveTakesHttpsOnly_SandboxHttpToo_NeitherUserInfoNorFragment(string url, bool live, bool sandbox)
    {
        var uri = new Uri(url);

        Assert.Equal((live, sandbox), (Live.FormRefusal(uri) is null, Sandbox.FormRefusal(uri) is null));
    }

    [Fact]
    public async Task Name_WithOneNonPublicAddressAmongPublicOnes_IsRefused()
    {
        var policy = new WebhookAddressPolicy(GatewayEnvironment.Sandbox,
            (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.1.2.3") }));

        var refused = await Assert.ThrowsAsync<WebhookAddressRefusedException>(() => policy.VetAsync("shop.example.com", CancellationToken.None));

        Assert.Contains("non-public", refused.Message);
        // A merchant does not learn what our resolver knows.
        Assert.DoesNotContain("10.1.2.3", refused.Message);
    }

    [Fact]
    public async Task Name_WithPublicAddressesOnly_IsAllowed_AndTheyAreTheOnesToConnectTo()
    {
        IPAddress[] answer = [IPAddress.Parse("93.184.215.14"), IPAddress.Parse("2606:2800:21f:cb07:6820:80da:af6b:8b2c")];
        var policy = new WebhookAddressPolicy(GatewayEnvironment.Live, (_, _) => Task.FromResult(answer));

        Assert.Equal(answer, await policy.VetAsync("shop.example.com", CancellationToken.None));
        Assert.Null(await policy.RefusalAsync(new Uri("https://shop.example.com/hooks"), CancellationToken.None));
    }

    [Fact]
    public async Task Name_ThatDoesNotResolve_IsRefused()
    {
        var policy = new WebhookAddressPolicy(GatewayEnvironment.Live, (_, _) => throw new SocketException((int)SocketError.HostNotFound));

        Assert.Contains("does not resolve", await policy.RefusalAsync(new Uri("https://nowhere.example/hooks"), CancellationToken.None));
    }

    [Fact]
    public async Task Localhost_ResolvedByTheSystem_IsRefusedLive_ButAllowedInTheSandbox()
    {
        var url = new Uri("https://localhost:8443/hooks");

        Assert.Contains("non-public", await Live.RefusalAsync(url, CancellationToken.None));
        Assert.Null(await Sandbox.RefusalAsync(url, CancellationToken.None));
    }

    [Theory]
    [InlineData("https://127.0.0.1/hooks", "loopback")]
    [InlineData("https://[::1]/hooks", "loopback")]
    [InlineData("https://[::ffff:169.254.169.254]/hooks", "link-local")]
    [InlineData("https://0x7f000001/hooks", "loopback")]
    [InlineData("https://2130706433/hooks", "loopback")]
    public async Task IpLiteral_IsJudgedByItsAddress_HoweverItIsWritten(string url, string kind)
    {
        Assert.Contains(kind, await Live.RefusalAsync(new Uri(url), CancellationToken.None));
    }
}
