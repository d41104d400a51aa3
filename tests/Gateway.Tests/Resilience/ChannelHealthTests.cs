using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Resilience;

namespace Paygate.Gateway.Tests.Resilience;

public sealed class ChannelHealthTests
{
    [Fact]
    public void Snapshot_CallsOlderThanTheHealthWindow_AgeOut()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var health = new ChannelHealth(Options.Create(new ResilienceOptions { HealthWindow = TimeSpan.FromMinutes(5) }), clock);
        for (var i = 0; i < 60; i++)
        {
            health.Record("alipay", healthy: false, TimeSpan.FromMilliseconds(900));
        }
        clock.Advance(TimeSpan.FromMinutes(3));
        health.Record("alipay", healthy: true, TimeSpan.FromMilliseconds(100));

        Assert.True(health.Snapshot("alipay").SuccessRate < 0.1);

        // The outage is over and five minutes old: only the recent call counts.
        clock.Advance(TimeSpan.FromMinutes(2.5));
        Assert.Equal((1.0, 100L), (health.Snapshot("alipay").SuccessRate, health.Snapshot("alipay").LatencyMs));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal((1.0, 0L), (health.Snapshot("alipay").SuccessRate, health.Snapshot("alipay").LatencyMs));
    }
}
