using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>Merchant refunds against a real SQLite store and a scripted channel.</summary>
public sealed class RefundLifecycleTests : LifecycleTestBase
{
    private static ChannelResult Refunded(string id = "2026112622001") => ChannelResult.Success("10000", "Success", id);

    private async Task<Payment> PaidPaymentAsync(long amount = 1000)
    {
        _channel.CreateAnswers.Enqueue(() => ChannelResult.Success("10000", "Success", "2026112600001", amount));
        var command = new CreatePaymentCommand(null, new Money(amount, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, command, CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, payment.State);
        return payment;
    }

    [Fact]
    public async Task PartialRefunds_AddUpToTheCapturedAmount_AndNeverBeyond()
    {
        var paid = await PaidPaymentAsync(1000);
        _channel.RefundAnswers.Enqueue(() => Refunded("r1"));
        _channel.RefundAnswers.Enqueue(() => Refunded("r2"));

        var (_, first) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 300, "damaged", null, null, CancellationToken.None);
        var (afterSecond, second) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 0, "rest", null, null, CancellationToken.None);
        var more = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 1, "again", null, null, CancellationToken.None));

        Assert.Equal((RefundState.Succeeded, 300L), (first.State, first.AmountMinor));
        Assert.Equal((RefundState.Succeeded, 700L), (second.State, second.AmountMinor));
        Assert.Equal(1000, afterSecond.RefundedMinor);
        Assert.Equal(ErrorCatalogue.RefundExceedsCaptured, more.Code);
        // The network got one refund per request, each under its own stable key, for the paid order.
        Assert.Equal([paid.Attempts[0].Reference + "F01", paid.Attempts[0].Reference + "F02"], _channel.Refunds.Select(r => r.RefundReference));
        Assert.All(_channel.Refunds, r => Assert.Equal(paid.Attempts[0].Reference, r.PaymentReference));
        Assert.Equal(["refund.created", "refund.succeeded", "refund.created", "refund.succeeded"],
            (await _store.EventsAsync(paid.Id, 0, CancellationToken.None)).Where(e => e.Type.StartsWith("refund.")).Select(e => e.Type));
    }

    [Fact]
    public async Task Refund_MoreThanCaptured_IsRefusedWithoutCallingTheChannel()
    {
        var paid = await PaidPaymentAsync(1000);

        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 1001, "too much", null, null, CancellationToken.None));

        Assert.Equal(ErrorCatalogue.RefundExceedsCaptured, error.Code);
        Assert.Equal("amount_minor", error.Violations.Single().Field);
        Assert.Empty(_channel.Refunds);
        Assert.Empty((await _lifecycle.GetAsync(TestPayments.Merchant, paid.Id, CancellationToken.None)).Refunds);
    }

    [Fact]
    public async Task Refund_OfAnUnpaidPayment_IsAnIllegalTransition()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var command = new CreatePaymentCommand(null, new Money(1000, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>());
        var waiting = await _lifecycle.CreateAsync(TestPayments.Merchant, command, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RefundAsync(TestPayments.Merchant, waiting.Id, 100, "r", null, null, CancellationToken.None));

        Assert.Equal(ErrorCatalogue.IllegalTransition, error.Code);
    }

    [Fact]
    public async Task ConcurrentRefunds_ReserveAgainstEachOther_SoTheTotalNeverExceedsTheCapture()
    {
        var paid = await PaidPaymentAsync(1000);
        for (var i = 0; i < 8; i++)
        {
            _channel.RefundAnswers.Enqueue(() => Refunded());
        }

        var tries = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 300, "split", null, null, CancellationToken.None);
                return true;
            }
            catch (PaymentException ex) when (ex.Code == ErrorCatalogue.RefundExceedsCaptured)
            {
                return false;
            }
        })).ToList();
        var granted = (await Task.WhenAll(tries)).Count(ok => ok);

        var payment = await _lifecycle.GetAsync(TestPayments.Merchant, paid.Id, CancellationToken.None);
        Assert.Equal(3, granted);
        Assert.Equal(900, payment.Refunds.Sum(r => r.AmountMinor));
    }

    [Fact]
    public async Task Refund_SameRequestId_ReturnsTheSameRefund_DifferentParametersAreRefused()
    {
        var paid = await PaidPaymentAsync(1000);
        var key = Guid.NewGuid().ToString();
        _channel.RefundAnswers.Enqueue(() => Refunded());

        var (_, first) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 400, "damaged", key, null, CancellationToken.None);
        var (_, again) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 400, "damaged", key, null, CancellationToken.None);
        var other = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 500, "damaged", key, null, CancellationToken.None));

        Assert.Equal(first.Id, again.Id);
        Assert.Single(_channel.Refunds);
        Assert.Equal(ErrorCatalogue.RequestIdReused, other.Code);
    }

    [Fact]
    public async Task Refund_UnknownOutcome_IsSettledByQuery_NeverByASecondRefund()
    {
        var paid = await PaidPaymentAsync(1000);
        _channel.RefundAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.RefundQueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));

        var (_, refund) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 1000, "all", null, null, CancellationToken.None);
        Assert.Equal(RefundState.Pending, refund.State);

        // Before the call is long over the worker leaves it alone; after, it asks the network, and only asks.
        await NewWorker().SweepAsync(CancellationToken.None);
        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        _channel.RefundQueryAnswers.Enqueue(() => Refunded("late"));
        await NewWorker().SweepAsync(CancellationToken.None);

        var (_, settled) = await _lifecycle.GetRefundAsync(TestPayments.Merchant, refund.Id, CancellationToken.None);
        Assert.Equal(RefundState.Succeeded, settled.State);
        Assert.Equal("late", settled.ChannelRefundId);
        Assert.Single(_channel.Refunds);
        Assert.Equal(2, _channel.Calls.Count(c => c.StartsWith("refund-query ")));
    }

    [Fact]
    public async Task PendingRefund_UnknownToTheNetwork_FailsAndFreesItsAmount()
    {
        var paid = await PaidPaymentAsync(1000);
        _channel.RefundAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.RefundQueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "10000" });
        var (_, refund) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 1000, "all", null, null, CancellationToken.None);
        // Straight after the unknown call, "no such refund" may be the network catching up: still pending.
        Assert.Equal(RefundState.Pending, refund.State);
        Assert.Equal(0, (await _lifecycle.GetAsync(TestPayments.Merchant, paid.Id, CancellationToken.None)).RefundableMinor);

        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        _channel.RefundQueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "10000" });
        await NewWorker().SweepAsync(CancellationToken.None);

        var payment = await _lifecycle.GetAsync(TestPayments.Merchant, paid.Id, CancellationToken.None);
        Assert.Equal(RefundState.Failed, payment.FindRefund(refund.Id)!.State);
        Assert.Equal(1000, payment.RefundableMinor);
        Assert.Single(_channel.Refunds);
    }

    [Fact]
    public async Task RefundDeclinedByTheChannel_FailsWithTheMappedCode()
    {
        var paid = await PaidPaymentAsync(1000);
        _channel.RefundAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.TradeClosed, NativeCode = "40004/ACQ.TRADE_HAS_CLOSE" });

        var (payment, refund) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 500, "r", null, null, CancellationToken.None);

        Assert.Equal(RefundState.Failed, refund.State);
        Assert.Equal(("PM-1003", "40004/ACQ.TRADE_HAS_CLOSE"), (refund.Error!.Code, refund.Error.NativeCode));
        Assert.Equal(1000, payment.RefundableMinor);
    }

    [Fact]
    public async Task GetRefund_UnknownId_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.GetRefundAsync(TestPayments.Merchant, PaymentIds.NewRefundId(_clock), CancellationToken.None));
        Assert.Equal(ErrorCatalogue.RefundNotFound, error.Code);
    }
}
