using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Tests.Payments;

namespace Paygate.Gateway.Tests.Resilience;

public sealed class BankQuietPeriodTests
{
    [Fact]
    public async Task AfterABankInterfaceTimeout_NoCallReachesTheBankBeforeItsRetryDelay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bank = new ScriptedChannel();
        var options = new ResilienceOptions();
        options.Channels["alipay"] = new ChannelResilienceOptions { RetryDelay = TimeSpan.FromSeconds(60), MinimumThroughput = 1000 };
        var calls = new ChannelCalls(Options.Create(options), new ChannelHealth(Options.Create(options), clock), clock, NullLogger<ChannelCalls>.Instance);
        bank.QueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.BankInterfaceTimeout, "TIMEOUT", "no response in time"));
        bank.QueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = "PDNG" });

        var first = await calls.QueryAsync(bank, new ChannelOrder("R1"));
        clock.Advance(TimeSpan.FromSeconds(59));
        var tooSoon = await calls.QueryAsync(bank, new ChannelOrder("R1"));
        clock.Advance(TimeSpan.FromSeconds(2));
        var later = await calls.QueryAsync(bank, new ChannelOrder("R1"));

        Assert.Equal("PM-2003", first.Error?.Code);
        Assert.Equal((ChannelOutcome.Unknown, "PM-2003", "BANK_QUIET"), (tooSoon.Outcome, tooSoon.Error?.Code, tooSoon.NativeCode));
        Assert.Equal(ChannelOutcome.RequiresAction, later.Outcome);
        Assert.Equal(2, bank.Calls.Count);
    }
}
