using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Tests.Payments;
using Polly.CircuitBreaker;

namespace Paygate.Gateway.Tests.Resilience;

/// <summary>An open circuit closes again after its break: by a routed payment, or by the background probe.</summary>
public sealed class ChannelProbeTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ScriptedChannel _channel = new();
    private readonly ChannelHealth _health;
    private readonly ChannelCalls _calls;
    private readonly PaymentRouter _router;

    public ChannelProbeTests()
    {
        var options = Options.Create(new ResilienceOptions
        {
            Defaults = new ChannelResilienceOptions { MinimumThroughput = 2, FailureRatio = 0.5, BreakDuration = Break, MaxRetries = 0 },
        });
        _health = new ChannelHealth(options, _clock);
        _calls = new ChannelCalls(options, _health, _clock, NullLogger<ChannelCalls>.Instance);
        _router = new PaymentRouter(new ChannelRegistry([_channel]), new StaticOptions<RoutingOptions>(new RoutingOptions()), _health);
    }

    private static CreatePaymentCommand Payment() =>
        new(null, new Money(1000, Currency.CNY), "x", new CustomerInfo("personal", "CN", "pc"), "alipay", null, new Dictionary<string, string>());

    private async Task OutageAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _channel.CreateAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = "503" });
            await _calls.CreateAsync(_channel, new ChannelPaymentRequest($"R{i}", new Money(1000, Currency.CNY), "x", _clock.GetUtcNow().AddHours(1), "http://n"), null);
        }
        Assert.Equal(CircuitState.Open, _health.Snapshot("alipay").Circuit);
    }

    private ChannelProbe Probe() => new([_channel], _calls, _health, Options.Create(new ResilienceOptions()), _clock, NullLogger<ChannelProbe>.Instance);

    [Fact]
    public async Task ProbeDue_AfterTheBreak_NoSuchOrderClosesTheCircuit()
    {
        await OutageAsync();
        var probe = Probe();

        Assert.Equal(0, await probe.ProbeDueAsync()); // within the break nothing is sent
        Assert.Throws<PaymentException>(() => _router.Route(Payment()));

        _clock.Advance(Break + TimeSpan.FromSeconds(1));
        _channel.QueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "ACQ.TRADE_NOT_EXIST" });
        Assert.Equal(1, await probe.ProbeDueAsync());

        Assert.Equal(CircuitState.Closed, _health.Snapshot("alipay").Circuit);
        Assert.StartsWith("query PROBE", _channel.Calls[^1], StringComparison.Ordinal);
        Assert.Equal(["alipay"], _router.Route(Payment()).Candidates);
    }

    [Fact]
    public async Task ProbeDue_ChannelStillDown_OpensForAnotherBreak()
    {
        await OutageAsync();
        _clock.Advance(Break + TimeSpan.FromSeconds(1));
        _channel.QueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = "503" });

        Assert.Equal(1, await Probe().ProbeDueAsync());

        Assert.True(_health.Snapshot("alipay").Refusing);
        Assert.Equal(0, await Probe().ProbeDueAsync());
    }

    [Fact]
    public async Task Route_AfterTheBreak_ThePayersChannelIsTheTrial_AndASuccessClosesTheCircuit()
    {
        await OutageAsync();
        _clock.Advance(Break + TimeSpan.FromSeconds(1));

        var routing = _router.Route(Payment());
        Assert.Equal(["alipay"], routing.Candidates);
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var result = await _calls.CreateAsync(_channel, new ChannelPaymentRequest("R9", new Money(1000, Currency.CNY), "x", _clock.GetUtcNow().AddHours(1), "http://n"), null);

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        Assert.Equal(CircuitState.Closed, _health.Snapshot("alipay").Circuit);
    }
}
