using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>A QR payment waiting for its payer is asked about at 30 s, 1, 2, 5 and 10 minutes, so a lost notification costs little.</summary>
public sealed class PayerQueryScheduleTests : LifecycleTestBase
{
    private static CreatePaymentCommand Command() =>
        new(null, new Money(1000, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>());

    private int Queries => _channel.Calls.Count(c => c.StartsWith("query ", StringComparison.Ordinal));

    [Fact]
    public async Task Sweep_PaidWithoutNotification_SettledByTheQueryAtThirtySeconds()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        var worker = NewWorker();

        _clock.Advance(TimeSpan.FromSeconds(20));
        await worker.SweepAsync(CancellationToken.None);
        Assert.Equal(0, Queries);

        _clock.Advance(TimeSpan.FromSeconds(11));
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T1", 1000));
        await worker.SweepAsync(CancellationToken.None);

        Assert.Equal(1, Queries);
        Assert.Equal(PaymentState.Succeeded, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Sweep_StillUnpaid_AskedOnlyAtEachPointOfTheSchedule()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        var worker = NewWorker();
        var notScannedYet = () => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "ACQ.TRADE_NOT_EXIST" };

        var asked = new List<int>();
        for (var second = 5; second <= 15 * 60; second += 5)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            _channel.QueryAnswers.Enqueue(notScannedYet);
            var before = Queries;
            await worker.SweepAsync(CancellationToken.None);
            if (Queries > before)
            {
                asked.Add(second);
            }
            _channel.QueryAnswers.Clear();
        }

        Assert.Equal([30, 60, 120, 300, 600], asked);
        var still = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal((PaymentState.RequiresAction, AttemptState.RequiresAction), (still.State, still.Attempts.Single().State));
    }
}
