using Paygate.Adapters.Contract;
using Paygate.Gateway.Observability;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>
/// How a payment changes: loaded, changed by a transition and saved with its event in one unit of work, started again
/// when another writer saved it in between. A channel's answer is applied here; a success the payment did not need
/// (a second success, or one after the payment ended) is flagged and its money given back.
/// </summary>
public sealed class PaymentChanges(IPaymentStore store, ChannelRegistry channels, ChannelCalls calls, PaymentSignals signals, TimeProvider clock, ILogger logger)
{
    public async Task<Payment> GetAsync(string id, CancellationToken cancellationToken) => await store.GetAsync(id, cancellationToken) ?? throw NotFound(id);

    /// <summary>
    /// The payment if it belongs to <paramref name="merchantId"/>; another merchant's payment is "not found", exactly as a
    /// payment that does not exist (no oracle for other merchants' ids).
    /// </summary>
    public async Task<Payment> GetOwnedAsync(string merchantId, string id, CancellationToken cancellationToken)
    {
        var payment = await store.GetAsync(id, cancellationToken);
        return payment is not null && payment.MerchantId == merchantId ? payment : throw NotFound(id);
    }

    private static PaymentException NotFound(string id) =>
        new(Adapters.Errors.ErrorCatalogue.PaymentNotFound, $"no payment has id {id}", metadata: new Dictionary<string, string> { ["payment_id"] = id });

    /// <summary>
    /// Loads, changes and saves a payment (null from <paramref name="change"/>: nothing to save), with the operation's idempotency key if any.
    /// A booked payment that would count against its budget again (paid again after failing) and does not fit in it is refused by
    /// the store in the same write (<c>PM-3101</c>, nothing written).
    /// </summary>
    public async Task<Payment> MutateAsync(string paymentId, Func<Payment, PaymentChange?> change, IdempotencyRecord? idempotency)
    {
        while (true)
        {
            var payment = await GetAsync(paymentId, CancellationToken.None);
            var expected = payment.Version;
            var before = payment.State;
            if (change(payment) is not { } recorded)
            {
                return payment;
            }
            bool saved;
            try
            {
                saved = await store.TryUpdateAsync(payment, expected, recorded, idempotency, CancellationToken.None);
            }
            catch (Groups.BudgetExceededException over)
            {
                throw over.ToPaymentException();
            }
            if (saved)
            {
                signals.Saved(payment, before, recorded.Type);
                PaymentStateMetrics.Saved(payment, before);
                return payment;
            }
        }
    }

    /// <summary>
    /// Applies a channel's answer about one attempt; a success the payment did not need is refunded at once. A notification's
    /// receipt is saved in the same unit as the change it causes (alone when it changes nothing).
    /// </summary>
    public async Task<Payment> ApplyResultAsync(string paymentId, string channelId, string reference, ChannelResult result, NotificationReceipt? receipt = null)
    {
        string? change = null;
        var payment = await MutateAsync(paymentId, p =>
        {
            var attempt = p.FindAttempt(channelId, reference) ?? throw new InvalidOperationException($"payment {p.Id} has no attempt {reference}");
            change = PaymentTransitions.ApplyChannelResult(p, attempt, result, clock.GetUtcNow());
            return change is null ? null : new PaymentChange(change, Receipt: receipt);
        }, null);
        if (change is null && receipt is not null)
        {
            await store.RecordNotificationAsync(receipt, CancellationToken.None);
        }
        if (change is PaymentEventTypes.LateSuccessFlagged or PaymentEventTypes.AmountMismatchFlagged)
        {
            logger.Flagged(paymentId, change, channelId, reference);
        }
        if (change == PaymentEventTypes.LateSuccessFlagged)
        {
            payment = await RefundDuplicatesAsync(payment);
        }
        return payment;
    }

    /// <summary>
    /// Gives back money that attempts took when the payment did not need it (a second success, or a success after
    /// the payment ended). Resending is safe: the refund's reference is its idempotency key at the network; an
    /// unknown outcome is asked about, never refunded a second time. What is not confirmed is retried by the worker.
    /// </summary>
    public async Task<Payment> RefundDuplicatesAsync(Payment payment)
    {
        foreach (var attempt in payment.Attempts.Where(a => a.DuplicateRefund is { Done: false }).ToList())
        {
            var channel = channels.Get(attempt.Channel);
            var refund = attempt.DuplicateRefund!;
            var settled = attempt.SettlementAmount(payment);
            var request = new ChannelRefundRequest(attempt.Reference, refund.Reference, settled, settled,
                "duplicate payment refunded automatically", attempt.TransactionId, refund.RequestTime);
            var result = await calls.RefundAsync(channel, request);
            if (result.Outcome == ChannelOutcome.Unknown)
            {
                result = await calls.QueryRefundAsync(channel, request);
            }
            if (result.Outcome == ChannelOutcome.Succeeded)
            {
                payment = await MutateAsync(payment.Id, p => PaymentTransitions.DuplicateRefunded(p, p.FindAttempt(channel.Id, attempt.Reference)!, clock.GetUtcNow()), null);
                logger.DuplicateRefunded(payment.Id, channel.Id, attempt.Reference, refund.Reference);
            }
            else
            {
                logger.DuplicateRefundPending(payment.Id, refund.Reference, result.Outcome, result.NativeCode);
            }
        }
        return payment;
    }
}
