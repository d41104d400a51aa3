using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>Calls the network accepted and is still carrying (a SWIFT transfer): neither done nor in doubt.</summary>
public sealed class InFlightTests : LifecycleTestBase
{
    private static ChannelResult InFlight(string code = "ACSP") => new() { Outcome = ChannelOutcome.Processing, NativeCode = code };

    private static CreatePaymentCommand Command() =>
        new(null, new Money(1000, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>());

    [Fact]
    public async Task AcceptedTransfer_StaysProcessing_AndIsAskedAboutEverLessOften()
    {
        _channel.CreateAnswers.Enqueue(() => InFlight("ACK"));
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        Assert.Equal((PaymentState.Processing, AttemptState.Pending, "ACK"), (payment.State, payment.Attempts[0].State, payment.Attempts[0].NativeCode));

        // The first question comes once the call is past PendingQueryAfter; the network says: still in process.
        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        _channel.QueryAnswers.Enqueue(() => InFlight());
        await NewWorker().SweepAsync(CancellationToken.None);
        // Asked again at once? No: the next question waits (at least InFlightQueryMin).
        await NewWorker().SweepAsync(CancellationToken.None);
        _clock.Advance(_options.InFlightQueryMin - TimeSpan.FromSeconds(1));
        await NewWorker().SweepAsync(CancellationToken.None);
        Assert.Single(_channel.Calls, c => c.StartsWith("query ", StringComparison.Ordinal));

        _clock.Advance(TimeSpan.FromSeconds(2));
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("ACCC", "credited", "uetr", 1000));
        await NewWorker().SweepAsync(CancellationToken.None);

        var paid = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, paid.State);
        Assert.Equal(2, _channel.Calls.Count(c => c.StartsWith("query ", StringComparison.Ordinal)));
        var events = (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Select(e => e.Type).ToList();
        Assert.Equal(["payment.created", "attempt.processing", "attempt.processing", "payment.succeeded"], events); // ACK, then ACSP
    }

    [Fact]
    public async Task TransferInFlight_PastTheExpiry_IsNotClosedOrExpired_AndNotAskedMoreOften()
    {
        _channel.CreateAnswers.Enqueue(() => InFlight("ACK"));
        var command = Command() with { ExpireTime = _clock.GetUtcNow().AddMinutes(2) };
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, command, CancellationToken.None);

        _clock.Advance(TimeSpan.FromMinutes(3));
        _channel.QueryAnswers.Enqueue(() => InFlight());
        await NewWorker().SweepAsync(CancellationToken.None);
        await NewWorker().SweepAsync(CancellationToken.None);

        Assert.Equal(PaymentState.Processing, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
        Assert.DoesNotContain(_channel.Calls, c => c.StartsWith("close ", StringComparison.Ordinal));
        Assert.Single(_channel.Calls, c => c.StartsWith("query ", StringComparison.Ordinal));
    }

    [Fact]
    public void Processing_AfterAnUnknownOutcome_MakesTheAttemptPendingAgain_AndRepeatsAreNoChange()
    {
        var payment = TestPayments.New(_clock, attemptState: AttemptState.Unknown);
        var attempt = payment.Attempts[0];

        Assert.Equal(PaymentEventTypes.AttemptProcessing, PaymentTransitions.ApplyChannelResult(payment, attempt, InFlight(), _clock.GetUtcNow()));
        Assert.Equal(AttemptState.Pending, attempt.State);
        Assert.Null(PaymentTransitions.ApplyChannelResult(payment, attempt, InFlight(), _clock.GetUtcNow()));
        Assert.Equal(PaymentState.Processing, payment.State);

        var rejected = new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.InsufficientBalance, NativeCode = "RJCT/AM04" };
        Assert.Equal(PaymentEventTypes.Failed, PaymentTransitions.ApplyChannelResult(payment, attempt, rejected, _clock.GetUtcNow()));
        Assert.Null(PaymentTransitions.ApplyChannelResult(payment, attempt, InFlight(), _clock.GetUtcNow()));
    }
}
