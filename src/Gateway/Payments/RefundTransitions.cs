using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Every way a refund changes. Like <see cref="PaymentTransitions"/>: each method changes the payment in memory and
/// returns the event to record, or null when nothing changed, so a repeated or late answer is harmless.
/// </summary>
public static class RefundTransitions
{
    /// <summary>The most refunds one payment may have (WeChat Pay allows 50 partial refunds of an order).</summary>
    public const int MaxRefunds = 50;

    /// <summary>
    /// Adds a PENDING refund of <paramref name="amountMinor"/> (0: everything still refundable), reserving it against
    /// what the payment captured. Refused when the payment is not SUCCEEDED or the amount is more than is left.
    /// </summary>
    public static PaymentChange Request(Payment payment, string refundId, long amountMinor, string reason, string? requestId, DateTimeOffset now)
    {
        if (payment.State != PaymentState.Succeeded || payment.PaidAttempt is not { } paid)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition,
                $"payment {payment.Id} is {payment.State.ToString().ToUpperInvariant()}: only a SUCCEEDED payment can be refunded",
                metadata: new Dictionary<string, string> { ["payment_id"] = payment.Id, ["state"] = payment.State.ToString().ToUpperInvariant() });
        }
        if (payment.Reversed)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition,
                $"the bank reversed the credit that paid payment {payment.Id}: the money is no longer here to refund",
                metadata: new Dictionary<string, string> { ["payment_id"] = payment.Id, ["reversed"] = "true" });
        }
        var refundable = payment.RefundableMinor;
        var amount = amountMinor == 0 ? refundable : amountMinor;
        if (amount <= 0 || amount > refundable)
        {
            throw new PaymentException(ErrorCatalogue.RefundExceedsCaptured,
                $"payment {payment.Id} has {refundable} {payment.Currency} minor units left to refund (captured {payment.AmountMinor}, refunded or pending {payment.AmountMinor - refundable}); asked for {amount}",
                [new FieldViolation("amount_minor", $"must be at most {refundable}, what is left to refund")],
                new Dictionary<string, string> { ["payment_id"] = payment.Id, ["refundable_minor"] = refundable.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        if (payment.Refunds.Count >= MaxRefunds)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"payment {payment.Id} already has {MaxRefunds} refunds, the most a payment may have");
        }
        var number = payment.Refunds.Count + 1;
        long? settlement = paid.Conversion is { } conversion
            ? Fx.FxConversion.ShareOf(conversion.SettlementAmountMinor, payment.AmountMinor, payment.AmountMinor - refundable, amount)
            : null;
        payment.Refunds.Add(new Refund
        {
            Id = refundId,
            Number = number,
            Channel = paid.Channel,
            PaymentReference = paid.Reference,
            Reference = PaymentIds.RefundReference(paid.Reference, number),
            AmountMinor = amount,
            SettlementAmountMinor = settlement,
            Reason = reason,
            RequestId = requestId,
            State = RefundState.Pending,
            CreateTime = now,
            UpdateTime = now,
        });
        payment.UpdateTime = now;
        return new PaymentChange(PaymentEventTypes.RefundCreated, refundId);
    }

    /// <summary>
    /// Applies what the network said about a refund (from the refund call or a query). Succeeded and Failed are final;
    /// Unknown leaves it PENDING for a query later. A final refund ignores later answers.
    /// </summary>
    public static PaymentChange? Apply(Payment payment, Refund refund, ChannelResult result, DateTimeOffset now)
    {
        if (refund.State != RefundState.Pending)
        {
            return null;
        }
        switch (result.Outcome)
        {
            case ChannelOutcome.Succeeded:
                Touch(refund, result, now);
                refund.State = RefundState.Succeeded;
                refund.Error = null;
                payment.UpdateTime = now;
                return new PaymentChange(PaymentEventTypes.RefundSucceeded, refund.Id);
            case ChannelOutcome.Failed or ChannelOutcome.Declined:
                Touch(refund, result, now);
                refund.State = RefundState.Failed;
                var error = result.Error ?? ErrorCatalogue.ChannelBusinessFailure;
                refund.Error = new PaymentError(error.Code, error.PayerMessage, refund.Channel, result.NativeCode);
                payment.UpdateTime = now;
                return new PaymentChange(PaymentEventTypes.RefundFailed, refund.Id);
            default:
                return null;
        }
    }

    private static void Touch(Refund refund, ChannelResult result, DateTimeOffset now)
    {
        refund.UpdateTime = now;
        refund.ChannelRefundId = result.ChannelTransactionId ?? refund.ChannelRefundId;
        if (!string.IsNullOrEmpty(result.NativeCode))
        {
            refund.NativeCode = result.NativeCode;
            refund.NativeMessage = result.NativeMessage;
        }
    }
}
