using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

public sealed class PaymentTransitionsTests
{
    private readonly FakeTimeProvider _clock = new();

    private static ChannelResult Paid(long? amount = 1000) => ChannelResult.Success("TRADE_SUCCESS", "", "T1", amount);
    private static ChannelResult Waiting(string? qr = "qr") => new() { Outcome = ChannelOutcome.RequiresAction, Action = qr is null ? null : new PayerAction(qr, null) };

    [Fact]
    public void ApplyChannelResult_RequiresAction_MovesPaymentAndKeepsTheQrCode()
    {
        var payment = TestPayments.New(_clock);

        var change = PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Waiting("https://qr.alipay.com/x"), _clock.GetUtcNow());

        Assert.Equal(PaymentEventTypes.RequiresAction, change);
        Assert.Equal(PaymentState.RequiresAction, payment.State);
        Assert.Equal("https://qr.alipay.com/x", payment.NextAction?.QrCode);
    }

    [Fact]
    public void ApplyChannelResult_PayerAuthenticated_AttemptPendingAgainAndPaymentProcessing_Once()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        payment.NextAction = new PayerAction(null, "https://acquirer.example/3ds/auth_1");
        var authenticated = new ChannelResult { Outcome = ChannelOutcome.Processing, NativeCode = "1A", AuthenticationId = "auth_1" };

        Assert.Equal(PaymentEventTypes.PayerAuthenticated, PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], authenticated, _clock.GetUtcNow()));
        Assert.Null(PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], authenticated, _clock.GetUtcNow()));
        Assert.Equal((PaymentState.Processing, AttemptState.Pending, null), (payment.State, payment.Attempts[0].State, payment.NextAction));
    }

    [Fact]
    public void Expire_WithAReason_KeepsItOnThePayment()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.Closed);

        PaymentTransitions.Expire(payment, _clock.GetUtcNow(), new PaymentError("PM-1013", "m", "card", "1A"));

        Assert.Equal((PaymentState.Expired, "PM-1013"), (payment.State, payment.Error?.Code));
    }

    [Fact]
    public void ApplyChannelResult_SuccessTwice_SecondChangesNothing()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);

        Assert.Equal(PaymentEventTypes.Succeeded, PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Paid(), _clock.GetUtcNow()));
        Assert.Null(PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Paid(), _clock.GetUtcNow()));
        Assert.Equal(PaymentState.Succeeded, payment.State);
        Assert.Equal("T1", payment.Attempts[0].TransactionId);
    }

    [Fact]
    public void ApplyChannelResult_StaleAnswersAfterSuccess_AreIgnored()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Paid(), _clock.GetUtcNow());

        Assert.Null(PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Waiting(), _clock.GetUtcNow()));
        Assert.Null(PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0],
            new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.TradeClosed }, _clock.GetUtcNow()));
        Assert.Equal(PaymentState.Succeeded, payment.State);
    }

    [Fact]
    public void ApplyChannelResult_Declined_FailsThePaymentWithTheUnifiedCode()
    {
        var payment = TestPayments.New(_clock);

        PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0],
            new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.InsufficientBalance, NativeCode = "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH" }, _clock.GetUtcNow());

        Assert.Equal(PaymentState.Failed, payment.State);
        Assert.Equal(AttemptState.Declined, payment.Attempts[0].State);
        Assert.Equal(("PM-1001", "alipay", "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH"), (payment.Error!.Code, payment.Error.Channel, payment.Error.NativeCode));
    }

    [Fact]
    public void ApplyChannelResult_Unknown_KeepsThePaymentProcessing()
    {
        var payment = TestPayments.New(_clock);

        var change = PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""), _clock.GetUtcNow());

        Assert.Equal(PaymentEventTypes.AttemptUnknown, change);
        Assert.Equal(PaymentState.Processing, payment.State);
        Assert.Equal(AttemptState.Unknown, payment.Attempts[0].State);
    }

    [Fact]
    public void ApplyChannelResult_SuccessForACanceledPayment_IsFlaggedNotApplied()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        PaymentTransitions.MarkClosed(payment, payment.Attempts[0], _clock.GetUtcNow());
        PaymentTransitions.Cancel(payment, _clock.GetUtcNow());

        var change = PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Paid(), _clock.GetUtcNow());

        Assert.Equal(PaymentEventTypes.LateSuccessFlagged, change);
        Assert.Equal(PaymentState.Canceled, payment.State);
        Assert.True(payment.Flagged);
    }

    [Fact]
    public void ApplyChannelResult_SuccessForADifferentAmount_IsFlaggedNotSucceeded()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction, amount: 1000);

        var change = PaymentTransitions.ApplyChannelResult(payment, payment.Attempts[0], Paid(amount: 1), _clock.GetUtcNow());

        Assert.Equal(PaymentEventTypes.AmountMismatchFlagged, change);
        Assert.Equal(PaymentState.RequiresAction, payment.State);
        Assert.True(payment.Flagged);
    }

    [Theory]
    [InlineData(PaymentState.Succeeded)]
    [InlineData(PaymentState.Canceled)]
    [InlineData(PaymentState.Expired)]
    public void Cancel_FinalPayment_IsAnIllegalTransition(PaymentState state)
    {
        var payment = TestPayments.New(_clock, state, AttemptState.Closed);

        var error = Assert.Throws<PaymentException>(() => PaymentTransitions.Cancel(payment, _clock.GetUtcNow()));

        Assert.Equal("PM-6004", error.Code.Code);
        Assert.Equal(state, payment.State);
    }

    [Fact]
    public void Cancel_WithAnOpenChannelOrder_IsRefused()
    {
        var payment = TestPayments.New(_clock, PaymentState.RequiresAction, AttemptState.RequiresAction);
        Assert.Throws<InvalidOperationException>(() => PaymentTransitions.Cancel(payment, _clock.GetUtcNow()));
    }
}
