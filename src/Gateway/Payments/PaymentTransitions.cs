using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Every way a payment changes. Each method changes the payment in memory and returns the event type to
/// record, or null when nothing changed (a duplicate or out-of-order answer), so applying the same channel
/// answer twice is harmless.
/// </summary>
public static class PaymentTransitions
{
    /// <summary>Applies what a channel said about one attempt (from a create, a query or a notification).</summary>
    public static string? ApplyChannelResult(Payment payment, Attempt attempt, ChannelResult result, DateTimeOffset now)
    {
        if (result.Outcome == ChannelOutcome.Succeeded)
        {
            return ApplySuccess(payment, attempt, result, now);
        }
        if (!attempt.State.IsOpen())
        {
            // The attempt already ended; a stale or out-of-order answer changes nothing.
            return null;
        }
        if (result.Outcome == ChannelOutcome.Processing && result.AuthenticationId is not null)
        {
            return PayerAuthenticated(payment, attempt, result, now);
        }
        if (result.Outcome == ChannelOutcome.Processing)
        {
            // Accepted and settling (a SWIFT transfer in flight): the attempt stays pending and is followed by query.
            // An outcome that was unknown (a lost ACK) is known again: in flight.
            if (attempt.State is not (AttemptState.Pending or AttemptState.Unknown) || (attempt.State == AttemptState.Pending && attempt.NativeCode == result.NativeCode))
            {
                return null;
            }
            Touch(attempt, result, now);
            attempt.State = AttemptState.Pending;
            attempt.ErrorCode = null;
            return PaymentEventTypes.AttemptProcessing;
        }
        Touch(attempt, result, now);
        switch (result.Outcome)
        {
            case ChannelOutcome.RequiresAction:
                if (result.Action is { } action)
                {
                    payment.NextAction = action;
                }
                if (attempt.State == AttemptState.RequiresAction)
                {
                    return null;
                }
                attempt.State = AttemptState.RequiresAction;
                if (payment.State == PaymentState.Processing && attempt == payment.CurrentAttempt)
                {
                    return Move(payment, PaymentState.RequiresAction, now, PaymentEventTypes.RequiresAction);
                }
                return PaymentEventTypes.RequiresAction;

            case ChannelOutcome.Declined or ChannelOutcome.Failed:
                attempt.State = result.Outcome == ChannelOutcome.Declined ? AttemptState.Declined : AttemptState.Failed;
                attempt.ErrorCode = result.Error?.Code;
                if (attempt == payment.CurrentAttempt && !payment.State.IsFinal())
                {
                    var error = result.Error ?? ErrorCatalogue.ChannelBusinessFailure;
                    payment.Error = new PaymentError(error.Code, error.PayerMessage, attempt.Channel, result.NativeCode);
                    payment.NextAction = null;
                    return Move(payment, PaymentState.Failed, now, PaymentEventTypes.Failed);
                }
                return PaymentEventTypes.Failed;

            default: // Unknown: a pending call, or an order the network now calls uncertain (UnionPay 03/04/05), is queried until settled.
                if (attempt.State is not (AttemptState.Pending or AttemptState.RequiresAction))
                {
                    return null;
                }
                attempt.State = AttemptState.Unknown;
                attempt.ErrorCode = result.Error?.Code;
                payment.UpdateTime = now;
                return PaymentEventTypes.AttemptUnknown;
        }
    }

    /// <summary>
    /// The payer passed the challenge: the attempt waits for its authorisation again (pending, so that the recovery worker
    /// finishes it after a crash), and the payment no longer needs the payer.
    /// </summary>
    private static string? PayerAuthenticated(Payment payment, Attempt attempt, ChannelResult result, DateTimeOffset now)
    {
        if (attempt.State != AttemptState.RequiresAction)
        {
            return null;
        }
        Touch(attempt, result, now);
        attempt.State = AttemptState.Pending;
        attempt.ErrorCode = null;
        if (attempt == payment.CurrentAttempt && payment.State == PaymentState.RequiresAction)
        {
            payment.NextAction = null;
            return Move(payment, PaymentState.Processing, now, PaymentEventTypes.PayerAuthenticated);
        }
        payment.UpdateTime = now;
        return PaymentEventTypes.PayerAuthenticated;
    }

    private static string? ApplySuccess(Payment payment, Attempt attempt, ChannelResult result, DateTimeOffset now)
    {
        if (attempt.State == AttemptState.Succeeded)
        {
            return null;
        }
        if (result.ReportedAmountMinor is { } reported && reported != (attempt.Conversion?.SettlementAmountMinor ?? payment.AmountMinor))
        {
            // Never accept a success for a different amount: hold it for an operator.
            if (payment.Flagged)
            {
                return null;
            }
            payment.Flagged = true;
            Touch(attempt, result, now);
            payment.UpdateTime = now;
            return PaymentEventTypes.AmountMismatchFlagged;
        }
        Touch(attempt, result, now);
        attempt.State = AttemptState.Succeeded;
        attempt.ErrorCode = null;
        if (PaymentStateRules.CanMove(payment.State, PaymentState.Succeeded))
        {
            payment.Error = null;
            payment.NextAction = null;
            return Move(payment, PaymentState.Succeeded, now, PaymentEventTypes.Succeeded);
        }
        // Money arrived for a payment that already ended (canceled, expired, or paid on another attempt):
        // it goes back to the payer automatically, and the payment is flagged for operators.
        payment.Flagged = true;
        attempt.DuplicateRefund = new DuplicateRefund(attempt.Reference + "R1", now, Done: false);
        payment.UpdateTime = now;
        return PaymentEventTypes.LateSuccessFlagged;
    }

    /// <summary>
    /// The attempt definitely did not take the money (it failed, or its order was closed and confirmed closed):
    /// end it and start <paramref name="next"/> on the next candidate channel. The payment stays PROCESSING.
    /// </summary>
    public static string FailOver(Payment payment, Attempt attempt, ChannelResult result, Attempt next, DateTimeOffset now)
    {
        Touch(attempt, result, now);
        attempt.State = attempt.State == AttemptState.Unknown ? AttemptState.Closed : AttemptState.Failed;
        attempt.ErrorCode = result.Error?.Code;
        payment.Attempts.Add(next);
        payment.UpdateTime = now;
        if (payment.State != PaymentState.Processing)
        {
            Move(payment, PaymentState.Processing, now, PaymentEventTypes.FailedOver);
        }
        return PaymentEventTypes.FailedOver;
    }

    /// <summary>A FAILED payment is paid again: a new attempt, the payment PROCESSING again.</summary>
    public static string Retry(Payment payment, Attempt next, DateTimeOffset now)
    {
        EnsurePayable(payment, now, PaymentState.Failed);
        payment.Attempts.Add(next);
        payment.Error = null;
        return Move(payment, PaymentState.Processing, now, PaymentEventTypes.Retried);
    }

    /// <summary>
    /// Refused unless the payment is in <paramref name="from"/> (FAILED for a pay-again), has not expired, and, booked above its
    /// sub-account's threshold, was approved (<see cref="Groups.ApprovalTransitions.EnsureApproved"/>).
    /// </summary>
    internal static void EnsurePayable(Payment payment, DateTimeOffset now, PaymentState from)
    {
        if (payment.State != from)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"payment {payment.Id} is {payment.State.ToString().ToUpperInvariant()}: only a FAILED payment can be paid again");
        }
        if (now >= payment.ExpireTime)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"payment {payment.Id} expired at {payment.ExpireTime:O} and can no longer be paid");
        }
        // A booked payment above its sub-account's threshold is paid again only once its approvers approved it (PM-3102, PM-3106).
        Groups.ApprovalTransitions.EnsureApproved(payment);
    }

    /// <summary>Records that the network confirmed the automatic refund of a duplicate success.</summary>
    public static string? DuplicateRefunded(Payment payment, Attempt attempt, DateTimeOffset now)
    {
        if (attempt.DuplicateRefund is not { Done: false } refund)
        {
            return null;
        }
        attempt.DuplicateRefund = refund with { Done = true };
        attempt.UpdateTime = now;
        payment.UpdateTime = now;
        return PaymentEventTypes.DuplicateRefunded;
    }

    /// <summary>Money arrived for the payment that could not be matched to it as is (wrong amount, a second payment...): an operator must act.</summary>
    public static string CreditHeld(Payment payment, DateTimeOffset now)
    {
        payment.Flagged = true;
        payment.UpdateTime = now;
        return PaymentEventTypes.CreditHeld;
    }

    /// <summary>The bank took back the credit that paid the payment: flagged for an operator and the merchant; once.</summary>
    public static string? CreditReversed(Payment payment, DateTimeOffset now)
    {
        if (payment.Reversed)
        {
            return null;
        }
        payment.Reversed = true;
        payment.Flagged = true;
        payment.UpdateTime = now;
        return PaymentEventTypes.Reversed;
    }

    /// <summary>Records that the channel confirmed an attempt's order closed.</summary>
    public static string? MarkClosed(Payment payment, Attempt attempt, DateTimeOffset now)
    {
        if (!attempt.State.IsOpen())
        {
            return null;
        }
        attempt.State = AttemptState.Closed;
        attempt.UpdateTime = now;
        payment.UpdateTime = now;
        return PaymentEventTypes.AttemptClosed;
    }

    /// <summary>Ends an unpaid payment at the merchant's request; every attempt must already be closed.</summary>
    public static string Cancel(Payment payment, DateTimeOffset now) => End(payment, PaymentState.Canceled, now, PaymentEventTypes.Canceled);

    /// <summary>Ends an unpaid payment at its expiry; every attempt must already be closed. <paramref name="reason"/>: why, when more is known than the time.</summary>
    public static string Expire(Payment payment, DateTimeOffset now, PaymentError? reason = null)
    {
        // A payment nobody approved in time says so (PM-3103).
        reason ??= payment.State == PaymentState.AwaitingApproval ? Groups.ApprovalTransitions.Lapsed() : null;
        var change = End(payment, PaymentState.Expired, now, PaymentEventTypes.Expired);
        payment.Error = reason ?? payment.Error;
        return change;
    }

    private static string End(Payment payment, PaymentState to, DateTimeOffset now, string eventType)
    {
        if (payment.Attempts.Any(a => a.State.IsOpen()))
        {
            throw new InvalidOperationException("a payment cannot end while an attempt's order is still open");
        }
        payment.NextAction = null;
        return Move(payment, to, now, eventType);
    }

    internal static string Move(Payment payment, PaymentState to, DateTimeOffset now, string eventType)
    {
        if (!PaymentStateRules.CanMove(payment.State, to))
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition,
                $"payment {payment.Id} is {payment.State.ToString().ToUpperInvariant()} and cannot become {to.ToString().ToUpperInvariant()}");
        }
        if (to.IsFinal() && payment.Challenge is not null)
        {
            // A challenge still waiting for its code ends with the payment (canceled, expired, or paid late on an earlier order):
            // the code opens nothing any more.
            payment.Challenge = null;
            payment.Risk = payment.Risk! with { Challenge = ChallengeState.Failed };
        }
        payment.State = to;
        payment.UpdateTime = now;
        return eventType;
    }

    private static void Touch(Attempt attempt, ChannelResult result, DateTimeOffset now)
    {
        attempt.UpdateTime = now;
        if (!string.IsNullOrEmpty(result.NativeCode))
        {
            attempt.NativeCode = result.NativeCode;
            attempt.NativeMessage = result.NativeMessage;
        }
        attempt.TransactionId = result.ChannelTransactionId ?? attempt.TransactionId;
    }
}
