using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>
/// What happens to payments nobody is waiting on: expiry (channel orders closed first), attempts left pending or
/// unknown (settled by query, then by the failover rule), calls in flight asked about ever less often, and payments
/// waiting for their payer asked about on a schedule.
/// </summary>
public sealed class PaymentRecovery(
    IPaymentStore store, ChannelRegistry channels, ChannelCalls calls, PaymentChanges changes, AttemptRunner attempts, PaymentOptions options, TimeProvider clock, ILogger logger)
{
    /// <summary>Ends an unpaid payment past its expiry, closing its channel orders first.</summary>
    public async Task<Payment> ExpireAsync(Payment payment)
    {
        // A payer who never finished the card issuer's challenge is told so, not just that time ran out.
        var reason = payment.CurrentAttempt is { State: AttemptState.RequiresAction } waiting && channels.Get(waiting.Channel) is IPayerAuthenticationChannel
            ? new PaymentError(ErrorCatalogue.CardAuthenticationNotCompleted.Code, ErrorCatalogue.CardAuthenticationNotCompleted.PayerMessage, waiting.Channel, waiting.NativeCode)
            : null;
        payment = await CloseOpenAttemptsAsync(payment);
        if (payment.State.IsFinal())
        {
            return payment;
        }
        var expired = await changes.MutateAsync(payment.Id, p => p.State.IsFinal() ? null : PaymentTransitions.Expire(p, clock.GetUtcNow(), reason), null);
        logger.Expired(payment.Id);
        return expired;
    }

    /// <summary>
    /// Settles attempts still pending or unknown: earlier attempts by query; the current one by the failover rule
    /// (query, then close and confirm, then the next candidate channel).
    /// </summary>
    public async Task<Payment> ResolveOpenAttemptsAsync(Payment payment)
    {
        foreach (var attempt in payment.Attempts.Where(a => a.State is AttemptState.Pending or AttemptState.Unknown).ToList())
        {
            if (attempt == payment.CurrentAttempt && !payment.State.IsFinal())
            {
                payment = await attempts.RunAttemptsAsync(payment.Id, payment.Routing.Candidates, null, null, resumeUnknown: true);
                if (payment.CurrentAttempt is { State: AttemptState.Pending } still && still.Reference == attempt.Reference)
                {
                    // Still in flight (a transfer settling over days): ask again after a tenth of its age so far, within bounds.
                    var age = clock.GetUtcNow() - still.CreateTime;
                    var wait = TimeSpan.FromTicks(Math.Clamp(age.Ticks / 10, options.InFlightQueryMin.Ticks, Math.Max(options.InFlightQueryMin.Ticks, options.InFlightQueryMax.Ticks)));
                    await store.DeferChecksAsync(payment.Id, payment.Version, clock.GetUtcNow() + wait, CancellationToken.None);
                }
                continue;
            }
            // An attempt already superseded is only asked about, never sent again: that could open a second live order.
            var channel = channels.Get(attempt.Channel);
            var result = await calls.QueryAsync(channel, new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime));
            payment = await changes.ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, result);
        }
        return payment;
    }

    /// <summary>
    /// Asks the channel about a payment waiting for its payer, at its scheduled point: a QR code paid while the gateway could
    /// not hear the notification is settled now. Only a success is applied ("no such order" is normal before the payer scans,
    /// and expiry closes what stays unpaid); then the next question is scheduled.
    /// </summary>
    public async Task<Payment> QueryAwaitingPayerAsync(Payment payment)
    {
        if (PayerQuerySchedule.AwaitsPayer(payment) && payment.CurrentAttempt is { } attempt)
        {
            var channel = channels.Get(attempt.Channel);
            var result = await calls.QueryAsync(channel, new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime));
            if (result.Outcome == ChannelOutcome.Succeeded)
            {
                logger.FoundPaidByQuery(payment.Id, channel.Id);
                return await changes.ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, result);
            }
            if (result.AuthenticationId is not null)
            {
                // The payer passed the card issuer's challenge while its notification could not reach us: authorise now.
                return await attempts.AuthorizeAuthenticatedAsync(payment.Id, channel.Id, attempt.Reference, result);
            }
            if (result.Outcome == ChannelOutcome.Declined && result.Error == ErrorCatalogue.CardAuthenticationNotCompleted)
            {
                // The challenge failed: the network's own record of the order says so, and nothing was charged.
                return await changes.ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, result);
            }
        }
        await store.SchedulePayerQueryAsync(payment.Id, payment.Version, PayerQuerySchedule.Next(payment, options.AwaitingPayerSchedule, clock.GetUtcNow()), CancellationToken.None);
        return payment;
    }

    /// <summary>
    /// Closes the channel order of every open attempt, so that nobody can pay it after the payment ends.
    /// When a close fails, the order is queried: a paid order makes the payment SUCCEEDED; one that cannot be
    /// confirmed closed leaves the payment as it is and the caller is told to try again.
    /// </summary>
    public async Task<Payment> CloseOpenAttemptsAsync(Payment payment)
    {
        foreach (var attempt in payment.Attempts.Where(a => a.State.IsOpen()).ToList())
        {
            var channel = channels.Get(attempt.Channel);
            var order = new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime);
            var closed = await calls.CloseAsync(channel, order);
            if (closed.Outcome == ChannelOutcome.Succeeded)
            {
                payment = await changes.MutateAsync(payment.Id, p => PaymentTransitions.MarkClosed(p, p.FindAttempt(channel.Id, attempt.Reference)!, clock.GetUtcNow()), null);
                continue;
            }
            var query = await calls.QueryAsync(channel, order);
            switch (query.Outcome)
            {
                case ChannelOutcome.Succeeded:
                    payment = await changes.ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, query);
                    break;
                case ChannelOutcome.Failed or ChannelOutcome.Declined:
                    payment = await changes.MutateAsync(payment.Id, p => PaymentTransitions.MarkClosed(p, p.FindAttempt(channel.Id, attempt.Reference)!, clock.GetUtcNow()), null);
                    break;
                default:
                    throw new PaymentException(ErrorCatalogue.OutcomeUnknown,
                        $"the {channel.Id} order {attempt.Reference} could not be confirmed closed ({closed.NativeCode}); try again",
                        metadata: new Dictionary<string, string> { ["channel"] = channel.Id, ["native_code"] = closed.NativeCode });
            }
        }
        return payment;
    }

}
