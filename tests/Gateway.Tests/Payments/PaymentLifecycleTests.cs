using Microsoft.Data.Sqlite;
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

/// <summary>The payment core against a real SQLite store and a scripted channel.</summary>
public sealed class PaymentLifecycleTests : LifecycleTestBase
{
    private static CreatePaymentCommand Command(string? requestId = null, long amount = 1000) =>
        new(requestId, new Money(amount, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>());

    [Fact]
    public async Task Create_WritesTheAttemptDurablyBeforeCallingTheChannel()
    {
        Payment? seenAtCallTime = null;
        string? notifyUrl = null;
        _channel.OnCreate = request =>
        {
            notifyUrl = request.NotifyUrl;
            seenAtCallTime = _store.FindByAttemptReferenceAsync("alipay", request.Reference, CancellationToken.None).GetAwaiter().GetResult();
        };
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());

        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        Assert.NotNull(seenAtCallTime);
        Assert.Equal(AttemptState.Pending, seenAtCallTime.Attempts.Single().State);
        Assert.Equal(PaymentState.RequiresAction, payment.State);
        Assert.Equal("http://127.0.0.1:5081/notify/alipay", notifyUrl);
    }

    [Fact]
    public async Task Create_UnknownOutcome_QueriesThenResendsTheSameOrderNumber()
    {
        _channel.CreateAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.QueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = "10000/WAIT_BUYER_PAY" });
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr("https://qr.example/again"));

        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        var reference = payment.Attempts.Single().Reference;
        Assert.Equal([$"create {reference}", $"query {reference}", $"create {reference}"], _channel.Calls);
        Assert.Equal(PaymentState.RequiresAction, payment.State);
        Assert.Equal("https://qr.example/again", payment.NextAction?.QrCode);
        Assert.Contains(PaymentEventTypes.AttemptUnknown, (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Select(e => e.Type));
    }

    [Fact]
    public async Task Create_UnknownAndQueryUnknown_StaysProcessingUntilTheWorkerResolvesIt()
    {
        _channel.CreateAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        // It cannot be closed either, so there is no failing over: the payment waits for the worker.
        _channel.CloseAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));

        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        Assert.Equal(PaymentState.Processing, payment.State);
        Assert.Equal(AttemptState.Unknown, payment.Attempts.Single().State);

        // Later the network answers: the order was paid.
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T9", 1000));
        var worker = NewWorker();
        await worker.SweepAsync(CancellationToken.None);

        var resolved = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, resolved.State);
        Assert.Equal("T9", resolved.Attempts.Single().TransactionId);
    }

    [Fact]
    public async Task Create_Declined_FailsWithoutAnotherCall()
    {
        _channel.CreateAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.InsufficientBalance, NativeCode = "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH" });

        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        Assert.Equal(PaymentState.Failed, payment.State);
        Assert.Equal("PM-1001", payment.Error?.Code);
        Assert.Single(_channel.Calls);
    }

    [Fact]
    public async Task Create_SameRequestIdTwice_CallsTheChannelOnce()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var requestId = Guid.NewGuid().ToString();

        var first = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(requestId), CancellationToken.None);
        var second = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(requestId), CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(_channel.Calls);
        var conflict = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.CreateAsync(TestPayments.Merchant, Command(requestId, amount: 2000), CancellationToken.None));
        Assert.Equal("PM-6002", conflict.Code.Code);
    }

    [Fact]
    public async Task Cancel_CloseFailsButOrderWasPaid_PaymentSucceedsAndCancelIsRefused()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        _channel.CloseAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = "40004/ACQ.TRADE_STATUS_ERROR" });
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T1", 1000));

        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.CancelAsync(TestPayments.Merchant, payment.Id, null, CancellationToken.None));

        Assert.Equal("PM-6004", error.Code.Code);
        Assert.Equal(PaymentState.Succeeded, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Cancel_CloseCannotBeConfirmed_LeavesThePaymentAsItWas()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        _channel.CloseAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));

        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.CancelAsync(TestPayments.Merchant, payment.Id, null, CancellationToken.None));

        Assert.Equal("PM-2001", error.Code.Code);
        Assert.Equal(PaymentState.RequiresAction, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Sweep_PastExpiry_ClosesTheChannelOrderThenExpires()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        _channel.CloseAnswers.Enqueue(() => ChannelResult.Success("10000", ""));
        var worker = NewWorker();

        await worker.SweepAsync(CancellationToken.None);
        Assert.Equal(PaymentState.RequiresAction, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);

        _clock.Advance(TimeSpan.FromHours(24));
        await worker.SweepAsync(CancellationToken.None);

        var expired = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Expired, expired.State);
        Assert.Equal(AttemptState.Closed, expired.Attempts.Single().State);
        Assert.Contains($"close {expired.Attempts[0].Reference}", _channel.Calls);
    }

    private async Task<Payment> CanceledPaymentAsync()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(amount: 4200), CancellationToken.None);
        _channel.CloseAnswers.Enqueue(() => ChannelResult.Success("10000", "closed"));
        return await _lifecycle.CancelAsync(TestPayments.Merchant, payment.Id, null, CancellationToken.None);
    }

    private static ChannelNotification PaidNotice(Payment payment) =>
        new(payment.Attempts[0].Reference, "n1", ChannelResult.Success("TRADE_SUCCESS", "", "T-LATE", 4200));

    [Fact]
    public async Task LateSuccess_AfterCancel_IsRefundedAutomaticallyAndFlagged()
    {
        var canceled = await CanceledPaymentAsync();
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T-LATE", 4200));
        _channel.RefundAnswers.Enqueue(() => ChannelResult.Success("10000", "refunded"));

        await _lifecycle.ApplyNotificationAsync("alipay", PaidNotice(canceled), CancellationToken.None);

        var payment = await _lifecycle.GetAsync(TestPayments.Merchant, canceled.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Canceled, payment.State);
        Assert.True(payment.Flagged);
        Assert.True(payment.Attempts[0].DuplicateRefund!.Done);
        var refund = Assert.Single(_channel.Refunds);
        Assert.Equal((payment.Attempts[0].Reference + "R1", 4200L, "T-LATE"), (refund.RefundReference, refund.Amount.AmountMinor, refund.PaymentTransactionId));
        var events = (await _store.EventsAsync(canceled.Id, 0, CancellationToken.None)).Select(e => e.Type).ToList();
        Assert.Equal([PaymentEventTypes.LateSuccessFlagged, PaymentEventTypes.DuplicateRefunded], events.TakeLast(2));
    }

    [Fact]
    public async Task LateSuccess_RefundOutcomeUnknown_IsAskedAboutThenRetriedByTheWorkerWithTheSameReference()
    {
        var canceled = await CanceledPaymentAsync();
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T-LATE", 4200));
        _channel.RefundAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.RefundQueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));

        await _lifecycle.ApplyNotificationAsync("alipay", PaidNotice(canceled), CancellationToken.None);
        Assert.False((await _lifecycle.GetAsync(TestPayments.Merchant, canceled.Id, CancellationToken.None)).Attempts[0].DuplicateRefund!.Done);

        _channel.RefundAnswers.Enqueue(() => ChannelResult.Success("10000", "refunded"));
        var worker = NewWorker();
        await worker.SweepAsync(CancellationToken.None);

        var payment = await _lifecycle.GetAsync(TestPayments.Merchant, canceled.Id, CancellationToken.None);
        Assert.True(payment.Attempts[0].DuplicateRefund!.Done);
        Assert.Equal(2, _channel.Refunds.Count);
        Assert.Single(_channel.Refunds.Select(r => (r.RefundReference, r.RequestTime)).Distinct()); // the same refund, resent
    }

    [Fact]
    public async Task Create_NoChannelFits_IsRefusedBeforeAnythingIsWritten()
    {
        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.CreateAsync(TestPayments.Merchant, Command(amount: 99), CancellationToken.None));

        Assert.Equal("PM-6009", error.Code.Code);
        Assert.Contains("minimum", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _store.ListAsync(TestPayments.Merchant, null, null, 10, CancellationToken.None));
        Assert.Empty(_channel.Calls);
    }

    [Fact]
    public async Task SuccessNotification_TheNetworkSaysUnpaid_ChangesNothing()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(amount: 4200), CancellationToken.None);
        _channel.QueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.RequiresAction, NativeCode = "10000/WAIT_BUYER_PAY" });

        var outcome = await _lifecycle.ApplyNotificationAsync("alipay", PaidNotice(payment), CancellationToken.None);

        Assert.Equal(NotificationOutcome.NotConfirmed, outcome);
        var after = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal(PaymentState.RequiresAction, after.State);
        Assert.Equal(payment.Version, after.Version);
        Assert.Contains($"query {payment.Attempts[0].Reference}", _channel.Calls);
    }

    [Fact]
    public async Task SuccessNotification_TheQueryCannotBeMade_ChangesNothingSoTheNetworkResends()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(amount: 4200), CancellationToken.None);
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));

        var outcome = await _lifecycle.ApplyNotificationAsync("alipay", PaidNotice(payment), CancellationToken.None);

        Assert.Equal(NotificationOutcome.NotConfirmed, outcome);
        Assert.Equal(PaymentState.RequiresAction, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task SuccessNotification_ConfirmedByQuery_AppliesTheNetworksOwnAnswer()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(amount: 4200), CancellationToken.None);
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T-QUERIED", 4200));

        var outcome = await _lifecycle.ApplyNotificationAsync("alipay", PaidNotice(payment), CancellationToken.None);

        Assert.Equal(NotificationOutcome.Applied, outcome);
        var paid = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, paid.State);
        Assert.Equal("T-QUERIED", paid.Attempts[0].TransactionId);
    }

    [Fact]
    public async Task SuccessNotification_IsAppliedWithItsReceipt_InOneUnitOfWork()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(amount: 4200), CancellationToken.None);
        _channel.QueryAnswers.Enqueue(() => ChannelResult.Success("10000/TRADE_SUCCESS", "", "T-QUERIED", 4200));
        var receipt = new NotificationReceipt("alipay", "n1/TRADE_SUCCESS", payment.Attempts[0].Reference, _clock.GetUtcNow());
        var unitsBefore = Database.WriterStatistics.Units;

        await _lifecycle.ApplyNotificationAsync("alipay", PaidNotice(payment), CancellationToken.None, receipt);

        Assert.Equal(unitsBefore + 1, Database.WriterStatistics.Units);
        Assert.True(await _store.NotificationSeenAsync("alipay", "n1/TRADE_SUCCESS", CancellationToken.None));
        Assert.Equal(PaymentState.Succeeded, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
    }
}
