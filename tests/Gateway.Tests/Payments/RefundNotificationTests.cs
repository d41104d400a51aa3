using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>A network's notification about a refund: confirmed by querying that refund, applied once.</summary>
public sealed class RefundNotificationTests : LifecycleTestBase
{
    private static ChannelResult Processing() => ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, "PROCESSING", "refund in progress");

    private static ChannelResult Closed() => new() { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelBusinessFailure, NativeCode = "CLOSED", NativeMessage = "refund closed" };

    /// <summary>A paid payment with one refund the network is still processing.</summary>
    private async Task<(Payment Payment, Refund Refund)> PendingRefundAsync()
    {
        _channel.CreateAnswers.Enqueue(() => ChannelResult.Success("10000", "Success", "2026112600001", 1000));
        var paid = await _lifecycle.CreateAsync(TestPayments.Merchant, new CreatePaymentCommand(null, new Money(1000, Currency.CNY), "Cloud server",
            new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>()), CancellationToken.None);
        _channel.RefundAnswers.Enqueue(Processing);
        _channel.RefundQueryAnswers.Enqueue(Processing);
        var (payment, refund) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 400, "returned", null, null, CancellationToken.None);
        Assert.Equal(RefundState.Pending, refund.State);
        return (payment, refund);
    }

    private static ChannelNotification Notice(Payment payment, Refund refund, ChannelResult result) =>
        new(payment.Attempts[0].Reference, "EV-1", result, refund.Reference);

    private static NotificationReceipt Receipt(ChannelNotification notice) => new("alipay", notice.NotificationId + "/" + notice.Result.NativeCode, notice.Reference, DateTimeOffset.UtcNow);

    private async Task<Refund> CurrentAsync(Payment payment, Refund refund) =>
        (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).FindRefund(refund.Id)!;

    [Fact]
    public async Task SuccessConfirmedByTheQuery_SettlesTheRefund_AndARepeatAsksNothingAndChangesNothing()
    {
        var (payment, refund) = await PendingRefundAsync();
        var notice = Notice(payment, refund, ChannelResult.Success("SUCCESS", "refunded", "5001"));
        _channel.RefundQueryAnswers.Enqueue(() => ChannelResult.Success("SUCCESS", "refunded", "5001"));

        var first = await _lifecycle.ApplyNotificationAsync("alipay", notice, CancellationToken.None, Receipt(notice));
        var events = (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Count;
        var again = await _lifecycle.ApplyNotificationAsync("alipay", notice, CancellationToken.None, Receipt(notice) with { NotificationId = "EV-1/SUCCESS#2" });

        Assert.Equal((NotificationOutcome.Applied, NotificationOutcome.Applied), (first, again));
        Assert.Equal((RefundState.Succeeded, "5001"), ((await CurrentAsync(payment, refund)).State, (await CurrentAsync(payment, refund)).ChannelRefundId));
        Assert.Equal(events, (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Count);
        Assert.Equal(2, _channel.Calls.Count(c => c == "refund-query " + refund.Reference));
        Assert.True(await _store.NotificationSeenAsync("alipay", "EV-1/SUCCESS", CancellationToken.None));
    }

    [Fact]
    public async Task SuccessTheQueryDoesNotConfirm_ChangesNothing_AndIsRefusedSoTheNetworkResends()
    {
        var (payment, refund) = await PendingRefundAsync();
        _channel.RefundQueryAnswers.Enqueue(Processing);

        var outcome = await _lifecycle.ApplyNotificationAsync("alipay", Notice(payment, refund, ChannelResult.Success("SUCCESS", "refunded", "5001")), CancellationToken.None);

        Assert.Equal(NotificationOutcome.NotConfirmed, outcome);
        Assert.Equal(RefundState.Pending, (await CurrentAsync(payment, refund)).State);
    }

    [Fact]
    public async Task ClosedNotification_AppliesWhatTheQuerySays()
    {
        var (payment, refund) = await PendingRefundAsync();
        _channel.RefundQueryAnswers.Enqueue(Closed);

        var outcome = await _lifecycle.ApplyNotificationAsync("alipay", Notice(payment, refund, Closed()), CancellationToken.None);

        Assert.Equal(NotificationOutcome.Applied, outcome);
        var current = await CurrentAsync(payment, refund);
        Assert.Equal((RefundState.Failed, "CLOSED"), (current.State, current.Error!.NativeCode));
    }

    [Fact]
    public async Task RefundOfAnotherOrder_OrNoRefundTheGatewayMade_IsUnknown()
    {
        var (payment, refund) = await PendingRefundAsync();
        var success = ChannelResult.Success("SUCCESS", "refunded", "5001");

        var otherOrder = await _lifecycle.ApplyNotificationAsync("alipay", new ChannelNotification("01KMZZZZZZZZZZZZZZZZZZZZZZA01", "EV-2", success, refund.Reference), CancellationToken.None);
        var noSuchRefund = await _lifecycle.ApplyNotificationAsync("alipay", Notice(payment, refund, success) with { RefundReference = payment.Attempts[0].Reference + "F09" }, CancellationToken.None);

        Assert.Equal((NotificationOutcome.UnknownOrder, NotificationOutcome.UnknownOrder), (otherOrder, noSuchRefund));
        Assert.Equal(RefundState.Pending, (await CurrentAsync(payment, refund)).State);
    }

    [Theory]
    [InlineData("01KMZ6Q4W5T8M2N3P4R5S6T7V8A01F01", "01KMZ6Q4W5T8M2N3P4R5S6T7V8A01")]
    [InlineData("01KMZ6Q4W5T8M2N3P4R5S6T7V8A01R01", "01KMZ6Q4W5T8M2N3P4R5S6T7V8A01")]
    [InlineData("01KMZ6Q4W5T8M2N3P4R5S6T7V8A01", null)]
    [InlineData("F01", null)]
    public void AttemptReferenceOfRefund_UndoesTheRefundsSuffix(string refundReference, string? attempt) =>
        Assert.Equal(attempt, PaymentIds.AttemptReferenceOfRefund(refundReference));
}
