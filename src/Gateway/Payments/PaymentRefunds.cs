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

    /// <summary>A refund of one of <paramref name="merchantId"/>'s payments; another merchant's is not found, as one that does not exist.</summary>
    public async Task<(Payment Payment, Refund Refund)> GetRefundAsync(string merchantId, string refundId, CancellationToken cancellationToken)
    {
        var found = await store.FindByRefundIdAsync(refundId, cancellationToken);
        var payment = found is not null && found.MerchantId == merchantId ? found
            : throw new PaymentException(ErrorCatalogue.RefundNotFound, $"no refund has id {refundId}", metadata: new Dictionary<string, string> { ["refund_id"] = refundId });
        return (payment, payment.FindRefund(refundId)!);
    }

    private async Task<Payment> ApplyRefundResultAsync(string paymentId, string refundId, ChannelResult result)
    {
        var payment = await changes.MutateAsync(paymentId, p => RefundTransitions.Apply(p, p.FindRefund(refundId)!, result, clock.GetUtcNow()), null);
        var refund = payment.FindRefund(refundId)!;
        logger.RefundSettled(refund.State == RefundState.Failed ? LogLevel.Warning : LogLevel.Debug, paymentId, refundId, refund.State, result.NativeCode);
        return payment;
    }

    private static ChannelRefundRequest RefundRequestFor(Payment payment, Refund refund)
    {
        var attempt = payment.Attempts.First(a => a.Reference == refund.PaymentReference && a.Channel == refund.Channel);
        var settled = attempt.SettlementAmount(payment);
        var amount = settled with { AmountMinor = refund.SettlementAmountMinor ?? refund.AmountMinor };
        return new ChannelRefundRequest(refund.PaymentReference, refund.Reference, amount, settled, refund.Reason, attempt.TransactionId, refund.CreateTime);
    }
}
