using System.Collections.Concurrent;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Merchant refunds. A refund is reserved against the payment in one write (so concurrent refunds can never give back
/// more than was captured), then sent with a stable reference that is its idempotency key at the network. An unknown
/// outcome is settled by querying that reference, never by sending a second refund.
/// </summary>
public sealed class PaymentRefunds(
    IPaymentStore store, ChannelRegistry channels, ChannelCalls calls, PaymentChanges changes, IdempotencyGuard guard, PaymentOptions options, TimeProvider clock, ILogger logger)
{
    public const string Scope = "refund";

    // Refunds the gateway's own limit held back before anything reached the network (in memory: after a restart such a
    // refund is only queried, and "no such refund" then fails it, nothing given back).
    private readonly ConcurrentDictionary<string, bool> _heldBack = new(StringComparer.Ordinal);

    /// <summary>Refunds <paramref name="amountMinor"/> (0: all that is left) of a SUCCEEDED payment. Idempotent by <paramref name="requestId"/>.</summary>
    public Task<(Payment Payment, Refund Refund)> RefundAsync(string merchantId, string paymentId, long amountMinor, string reason, string? requestId, DateTimeOffset? deadline,
        CancellationToken cancellationToken)
    {
        var key = requestId is null ? null : new IdempotencyKey(merchantId, Scope, requestId, string.Join('\u001f', paymentId, amountMinor, reason));
        return guard.RunAsync(key, k => RefundOnceAsync(paymentId, amountMinor, reason, k?.RecordFor(paymentId, clock.GetUtcNow()), deadline, cancellationToken),
            async earlier =>
            {
                var payment = await changes.GetAsync(earlier.PaymentId, cancellationToken);
                return (payment, payment.Refunds.Single(r => r.RequestId == requestId));
            }, cancellationToken);
    }

    private async Task<(Payment, Refund)> RefundOnceAsync(string paymentId, long amountMinor, string reason, IdempotencyRecord? idempotency, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var current = await changes.GetAsync(paymentId, cancellationToken);
        if (current.PaidAttempt is { } paid && !channels.Get(paid.Channel).Capabilities.SupportsRefund)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"the {paid.Channel} channel that collected payment {paymentId} cannot refund; return the money outside the gateway",
                metadata: new Dictionary<string, string> { ["payment_id"] = paymentId, ["channel"] = paid.Channel });
        }
        var refundId = PaymentIds.NewRefundId(clock);
        // Reserved and durable before the network hears of it: a crash from here on leaves a PENDING refund the worker queries.
        var payment = await changes.MutateAsync(paymentId, p => RefundTransitions.Request(p, refundId, amountMinor, reason, idempotency?.Key, clock.GetUtcNow()), idempotency);
        logger.RefundRequested(paymentId, refundId, payment.FindRefund(refundId)!.AmountMinor);
        payment = await SendRefundAsync(payment, payment.FindRefund(refundId)!, deadline);
        return (payment, payment.FindRefund(refundId)!);
    }

    private async Task<Payment> SendRefundAsync(Payment payment, Refund refund, DateTimeOffset? deadline)
    {
        var channel = channels.Get(refund.Channel);
        var request = RefundRequestFor(payment, refund);
        var result = await calls.RefundAsync(channel, request, deadline);
        if (ChannelCalls.IsNotSent(result))
        {
            // Held back by the gateway's own limit: not failed, it stays PENDING and the recovery worker sends it.
            _heldBack[refund.Id] = true;
            return payment;
        }
        if (result.Outcome == ChannelOutcome.Unknown)
        {
            result = await calls.QueryRefundAsync(channel, request, deadline);
            if (result.Outcome == ChannelOutcome.Failed)
            {
                // "No such refund" right after a call whose outcome is unknown may just be the network catching up:
                // it stays PENDING, and the worker asks again once the call is long over.
                result = ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, result.NativeCode, result.NativeMessage);
            }
        }
        return await ApplyRefundResultAsync(payment.Id, refund.Id, result);
    }

    /// <summary>
    /// Settles refunds left PENDING (an unknown outcome, or a crash mid-call) by querying the network. Only refunds
    /// pending for longer than <see cref="PaymentOptions.PendingQueryAfter"/>, so that no call is still in flight: then a
    /// network with no record of the refund never received it, and it fails (nothing was given back).
    /// </summary>
    public async Task<Payment> ResolvePendingRefundsAsync(Payment payment)
    {
        var before = clock.GetUtcNow() - options.PendingQueryAfter;
        foreach (var refund in payment.Refunds.Where(r => r.State == RefundState.Pending && r.UpdateTime <= before).ToList())
        {
            if (_heldBack.TryRemove(refund.Id, out _))
            {
                // Never sent: send it now, with its reference (the network's idempotency key), rather than ask about it.
                payment = await SendRefundAsync(payment, refund, null);
                continue;
            }
            var channel = channels.Get(refund.Channel);
            var result = await calls.QueryRefundAsync(channel, RefundRequestFor(payment, refund));
            if (ChannelCalls.IsChannelFault(result))
            {
                // A query the channel could not answer says nothing about the refund: ask again at the next sweep.
                continue;
            }
            payment = await ApplyRefundResultAsync(payment.Id, refund.Id, result);
        }
        return payment;
    }

    /// <summary>
    /// Applies a verified notification about a refund. What it says is never applied as is: the refund is asked about (a
    /// signed answer about that one refund), and the answer is applied, with the notification's receipt in the same unit,
    /// so a repeat changes nothing. A success the query does not confirm (yet) changes nothing and is refused, so that the
    /// network sends it again; any other news the query leaves open is acknowledged, and the worker keeps asking.
    /// </summary>
    public async Task<NotificationOutcome> ApplyNotificationAsync(string channelId, ChannelNotification notification, NotificationReceipt? receipt, CancellationToken cancellationToken)
    {
        var refundReference = notification.RefundReference!;
        var attemptReference = PaymentIds.AttemptReferenceOfRefund(refundReference);
        var payment = attemptReference is null || (notification.Reference.Length > 0 && notification.Reference != attemptReference) ? null
            : await store.FindByAttemptReferenceAsync(channelId, attemptReference, cancellationToken);
        if (payment is null)
        {
            logger.NotificationForUnknownOrder(notification.NotificationId, channelId, refundReference);
            return NotificationOutcome.UnknownOrder;
        }
        var refund = payment.Refunds.FirstOrDefault(r => r.Channel == channelId && r.Reference == refundReference);
        if (refund is null)
        {
            // An automatic refund of a duplicate success is settled by its own query; a refund the gateway never asked for is unknown.
            return payment.Attempts.Any(a => a.DuplicateRefund?.Reference == refundReference) ? NotificationOutcome.Applied : NotificationOutcome.UnknownOrder;
        }
        if (refund.State != RefundState.Pending)
        {
            if (receipt is not null)
            {
                await store.RecordNotificationAsync(receipt, CancellationToken.None);
            }
            return NotificationOutcome.Applied;
        }
        var confirmed = await calls.QueryRefundAsync(channels.Get(channelId), RefundRequestFor(payment, refund));
        // A failure the query reports is final when it is plainly about the refund, or when it repeats the notification's own
        // status (a refund CLOSED, told twice); anything else may be the channel failing to answer.
        var failed = confirmed.Outcome is ChannelOutcome.Failed or ChannelOutcome.Declined;
        var final = confirmed.Outcome == ChannelOutcome.Succeeded
            || (failed && (!ChannelCalls.IsChannelFault(confirmed)
                || (notification.Result.Outcome is ChannelOutcome.Failed or ChannelOutcome.Declined && confirmed.NativeCode == notification.Result.NativeCode && !ChannelCalls.IsNotSent(confirmed))));
        if (!final)
        {
            logger.RefundNotificationNotConfirmed(notification.NotificationId, channelId, refundReference, notification.Result.NativeCode, confirmed.Outcome);
            if (notification.Result.Outcome == ChannelOutcome.Succeeded)
            {
                return NotificationOutcome.NotConfirmed;
            }
            if (receipt is not null)
            {
                await store.RecordNotificationAsync(receipt, CancellationToken.None);
            }
            return NotificationOutcome.Applied;
        }
        // The query's final answer is what counts, whatever the notification said.
        await ApplyRefundResultAsync(payment.Id, refund.Id, confirmed, receipt);
        return NotificationOutcome.Applied;
    }

    /// <summary>A refund of one of <paramref name="merchantId"/>'s payments; another merchant's is not found, as one that does not exist.</summary>
    public async Task<(Payment Payment, Refund Refund)> GetRefundAsync(string merchantId, string refundId, CancellationToken cancellationToken)
    {
        var found = await store.FindByRefundIdAsync(refundId, cancellationToken);
        var payment = found is not null && found.MerchantId == merchantId ? found
            : throw new PaymentException(ErrorCatalogue.RefundNotFound, $"no refund has id {refundId}", metadata: new Dictionary<string, string> { ["refund_id"] = refundId });
        return (payment, payment.FindRefund(refundId)!);
    }

    private async Task<Payment> ApplyRefundResultAsync(string paymentId, string refundId, ChannelResult result, NotificationReceipt? receipt = null)
    {
        var changed = false;
        var payment = await changes.MutateAsync(paymentId, p =>
        {
            var change = RefundTransitions.Apply(p, p.FindRefund(refundId)!, result, clock.GetUtcNow());
            changed = change is not null;
            return change is null ? null : change with { Receipt = receipt };
        }, null);
        if (!changed && receipt is not null)
        {
            await store.RecordNotificationAsync(receipt, CancellationToken.None);
        }
        var refund = payment.FindRefund(refundId)!;
        logger.RefundSettled(refund.State == RefundState.Failed ? LogLevel.Warning : LogLevel.Debug, paymentId, refundId, refund.State, result.NativeCode);
        return payment;
    }

    private ChannelRefundRequest RefundRequestFor(Payment payment, Refund refund)
    {
        var attempt = payment.Attempts.First(a => a.Reference == refund.PaymentReference && a.Channel == refund.Channel);
        var settled = attempt.SettlementAmount(payment);
        var amount = settled with { AmountMinor = refund.SettlementAmountMinor ?? refund.AmountMinor };
        return new ChannelRefundRequest(refund.PaymentReference, refund.Reference, amount, settled, refund.Reason, attempt.TransactionId, refund.CreateTime,
            $"{options.NotifyBaseUrl.TrimEnd('/')}/notify/{refund.Channel}");
    }
}
