using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>One idempotency rule for create, cancel, retry and refund, including a duplicate that raced another instance.</summary>
public sealed class IdempotencyGuardTests : LifecycleTestBase
{
    private static CreatePaymentCommand Command(long amount = 1000) =>
        new(null, new Money(amount, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null, new Dictionary<string, string>());

    private async Task<Payment> FailedPaymentAsync()
    {
        _channel.CreateAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.InsufficientBalance, NativeCode = "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH" });
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        Assert.Equal(PaymentState.Failed, payment.State);
        return payment;
    }

    /// <summary>A second gateway instance: the same store, its own per-key locks, and a key look-up that ran before the first one's write.</summary>
    private PaymentLifecycle SecondInstanceThatLookedTooEarly() => NewLifecycle(new StaleFirstLookup(_store), _channel);

    [Fact]
    public async Task Retry_KeyTakenByAConcurrentRequest_IsAnsweredAsARepeat_WithOneNewAttempt()
    {
        var failed = await FailedPaymentAsync();
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr("https://qr.example/again"));
        var first = await _lifecycle.RetryAsync(TestPayments.Merchant, failed.Id, "retry-key-1", null, null, null, CancellationToken.None);

        // The other instance found the key free (before the first committed), then met the payment already paid again.
        var second = await SecondInstanceThatLookedTooEarly().RetryAsync(TestPayments.Merchant, failed.Id, "retry-key-1", null, null, null, CancellationToken.None);

        Assert.Equal((first.Id, PaymentState.RequiresAction, 2), (second.Id, second.State, second.Attempts.Count));
        Assert.Equal(2, _channel.Calls.Count(c => c.StartsWith("create ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Retry_SameKeyForAnotherPayment_IsRefused()
    {
        var one = await FailedPaymentAsync();
        var other = await FailedPaymentAsync();
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        await _lifecycle.RetryAsync(TestPayments.Merchant, one.Id, "retry-key-2", null, null, null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RetryAsync(TestPayments.Merchant, other.Id, "retry-key-2", null, null, null, CancellationToken.None));

        Assert.Equal(ErrorCatalogue.RequestIdReused, error.Code);
        Assert.Equal(PaymentState.Failed, (await _lifecycle.GetAsync(TestPayments.Merchant, other.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Retry_AFailureOfItsOwn_IsNotTurnedIntoARepeat()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var waiting = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RetryAsync(TestPayments.Merchant, waiting.Id, "retry-key-3", null, null, null, CancellationToken.None));

        Assert.Equal(ErrorCatalogue.IllegalTransition, error.Code);
        Assert.Null(await _store.FindIdempotencyAsync(TestPayments.Merchant, "retry", "retry-key-3", CancellationToken.None));
    }

    [Fact]
    public async Task Cancel_ConcurrentDuplicates_CloseTheOrderOnce()
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        _channel.CloseAnswers.Enqueue(() => ChannelResult.Success("10000", "closed"));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _lifecycle.CancelAsync(TestPayments.Merchant, payment.Id, "cancel-key-1", CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(PaymentState.Canceled, r.State));
        Assert.Single(_channel.Calls, c => c.StartsWith("close ", StringComparison.Ordinal));
    }

    /// <summary>A store whose first idempotency look-up answers as if it ran before another instance's write.</summary>
    private sealed class StaleFirstLookup(IPaymentStore inner) : IPaymentStore
    {
        private int _lookups;

        public Task<IdempotencyRecord?> FindIdempotencyAsync(string merchantId, string scope, string key, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _lookups) == 1 ? Task.FromResult<IdempotencyRecord?>(null) : inner.FindIdempotencyAsync(merchantId, scope, key, cancellationToken);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);
        public Task InsertAsync(Payment payment, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken) => inner.InsertAsync(payment, change, idempotency, cancellationToken);
        public Task<bool> TryUpdateAsync(Payment payment, long expectedVersion, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken) => inner.TryUpdateAsync(payment, expectedVersion, change, idempotency, cancellationToken);
        public Task<Payment?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);
        public Task<Payment?> FindByRefundIdAsync(string refundId, CancellationToken cancellationToken) => inner.FindByRefundIdAsync(refundId, cancellationToken);
        public Task<Payment?> FindByAttemptReferenceAsync(string channel, string reference, CancellationToken cancellationToken) => inner.FindByAttemptReferenceAsync(channel, reference, cancellationToken);
        public Task<IReadOnlyList<Payment>> ListAsync(string merchantId, PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken) => inner.ListAsync(merchantId, state, after, limit, cancellationToken);
        public Task<IReadOnlyList<Payment>> ListNeedingAttentionAsync(DateTimeOffset now, DateTimeOffset pendingBefore, int limit, CancellationToken cancellationToken) => inner.ListNeedingAttentionAsync(now, pendingBefore, limit, cancellationToken);
        public Task DeferChecksAsync(string paymentId, long version, DateTimeOffset until, CancellationToken cancellationToken) => inner.DeferChecksAsync(paymentId, version, until, cancellationToken);
        public Task<IReadOnlyList<Payment>> ListPayerQueriesDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => inner.ListPayerQueriesDueAsync(now, limit, cancellationToken);
        public Task SchedulePayerQueryAsync(string paymentId, long version, DateTimeOffset? at, CancellationToken cancellationToken) => inner.SchedulePayerQueryAsync(paymentId, version, at, cancellationToken);
        public Task<IReadOnlyList<PaymentEvent>> EventsAsync(string paymentId, long afterSequence, CancellationToken cancellationToken) => inner.EventsAsync(paymentId, afterSequence, cancellationToken);
        public Task<bool> NotificationSeenAsync(string channel, string notificationId, CancellationToken cancellationToken) => inner.NotificationSeenAsync(channel, notificationId, cancellationToken);
        public Task RecordNotificationAsync(NotificationReceipt receipt, CancellationToken cancellationToken) => inner.RecordNotificationAsync(receipt, cancellationToken);
        public Task<IReadOnlyList<PaymentEvent>> AllEventsAsync(string merchantId, long afterSequence, int limit, CancellationToken cancellationToken) => inner.AllEventsAsync(merchantId, afterSequence, limit, cancellationToken);
        public Task<IReadOnlyList<Payment>> ListCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, PageCursor? after, int limit, CancellationToken cancellationToken) => inner.ListCreatedBetweenAsync(merchantId, groupId, from, to, after, limit, cancellationToken);
        public Task<long> CountCreatedBetweenAsync(string merchantId, string? groupId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => inner.CountCreatedBetweenAsync(merchantId, groupId, from, to, cancellationToken);
    }
}
