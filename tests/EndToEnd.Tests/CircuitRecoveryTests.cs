using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose Alipay circuit opens after a few failures and breaks for 2 s, probed every 0.5 s.</summary>
public sealed class ShortBreakFixture : GatewayFixture
{
    public static readonly TimeSpan Break = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Resilience:Channels:alipay:MinimumThroughput"] = "3",
        ["Resilience:Channels:alipay:FailureRatio"] = "0.5",
        ["Resilience:Channels:alipay:SamplingDuration"] = "00:01:00",
        ["Resilience:Channels:alipay:BreakDuration"] = Break.ToString(),
        ["Resilience:ProbeInterval"] = ProbeInterval.ToString(),
    };
}

/// <summary>After an outage the channel's circuit closes again by itself, and payers who choose it are served.</summary>
public sealed class CircuitRecoveryTests(ShortBreakFixture fixture) : IClassFixture<ShortBreakFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private async Task<Channel> AlipayAsync() =>
        (await new ChannelService.ChannelServiceClient(Gateway.Operator).ListChannelsAsync(new ListChannelsRequest())).Channels.Single(c => c.Id == "alipay");

    [Fact]
    public async Task OutageEnds_CircuitClosesByProbeWithinBreakPlusOneProbeInterval_AndThePayersChoiceIsServed()
    {
        fixture.Simulators.AlipayFaults.Plan = new FaultPlan { OutageUntil = DateTimeOffset.UtcNow.AddMinutes(10) };
        for (var i = 0; i < 4 && (await AlipayAsync()).CircuitState != "OPEN"; i++)
        {
            var failedOver = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(9100 + i));
            Assert.Equal((Payment.Types.State.RequiresAction, "wechatpay"), (failedOver.State, failedOver.Attempts[^1].Channel));
        }
        Assert.Equal("OPEN", (await AlipayAsync()).CircuitState);

        // The outage ends; no payment comes. Only the gateway's own probe can close the circuit.
        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        var ordersBefore = fixture.Simulators.Alipay.Orders.Count;
        await GatewayUnderTest.WaitUntilAsync(async () => (await AlipayAsync()).CircuitState == "CLOSED",
            ShortBreakFixture.Break + ShortBreakFixture.ProbeInterval + TimeSpan.FromSeconds(2), "the Alipay circuit closes after the outage");
        Assert.Equal(ordersBefore, fixture.Simulators.Alipay.Orders.Count); // the probe created nothing at the network

        var chosen = GatewayUnderTest.NewRequest(9200, channel: "alipay");
        var payment = await Gateway.Payments.CreatePaymentAsync(chosen);
        Assert.Equal((Payment.Types.State.RequiresAction, "alipay"), (payment.State, Assert.Single(payment.Attempts).Channel));
        var routed = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.Checkout(9300));
        Assert.Equal("alipay", routed.Attempts[0].Channel);
    }

    public void Dispose() => fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
}
