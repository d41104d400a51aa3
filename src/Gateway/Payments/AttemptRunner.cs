using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Runs a payment's attempts by the failover rule: the attempt is durable before its channel is called; Failed -> the
/// next candidate as a new attempt; Unknown -> query, resend the same order number when that is safe, else close and
/// confirm closed before moving on, else the payment stays PROCESSING for the recovery worker; Declined -> no failover.
/// </summary>
public sealed class AttemptRunner(
    ChannelRegistry channels, ChannelCalls calls, PaymentChanges changes, PaymentOptions options, TimeProvider clock, ILogger logger, Fx.FxRates? fx)
{
    private readonly HeldCards _heldCards = new(clock);
    /// <summary>
    /// Runs the payment's current attempt and, while attempts definitely fail, the next candidates (the failover
    /// rule): Failed -> next channel as a new attempt; Unknown -> query, then close and confirm closed, then next
    /// channel, else the payment stays PROCESSING for the recovery worker; Declined -> no failover.
    /// </summary>
    /// <param name="written">The payment exactly as the caller just saved it, so that it is not read back; null to read it.</param>
    public async Task<Payment> RunAttemptsAsync(string paymentId, IReadOnlyList<string> candidates, PaymentCard? card, DateTimeOffset? deadline,
        bool resumeUnknown = false, Payment? written = null)
    {
        while (true)
        {
            var payment = written ?? await changes.GetAsync(paymentId, CancellationToken.None);
            written = null;
            var attempt = payment.CurrentAttempt!;
            var channel = channels.Get(attempt.Channel);
            if (resumeUnknown)
            {
                card ??= _heldCards.Take(attempt.Reference);
            }
            var request = RequestFor(payment, attempt, channel, card);
            ChannelResult result;
            if (resumeUnknown)
            {
                // The recovery worker picks up an attempt whose call was cut off or whose outcome is unknown.
                resumeUnknown = false;
                result = await ResolveUnknownAsync(channel, request, deadline);
            }
            else
            {
                // Not the caller's token: a client that hangs up must not leave the attempt half-done. Its deadline still bounds the call.
                result = await calls.CreateAsync(channel, request, deadline);
                if (result.Outcome == ChannelOutcome.Unknown)
                {
                    await changes.ApplyResultAsync(paymentId, channel.Id, attempt.Reference, result);
                    result = await ResolveUnknownAsync(channel, request, deadline);
                }
            }
            if (ChannelCalls.IsNotSent(result))
            {
                // Held back by the gateway's own limit: nothing reached the network, so nothing failed. The attempt stays as it
                // is (pending or unknown) and the recovery worker takes it up; a payment is never failed by our own limits.
                logger.HeldBack(paymentId, channel.Id, result.NativeMessage);
                if (card is not null)
                {
                    _heldCards.Hold(attempt.Reference, card, payment.ExpireTime);
                }
                return await changes.GetAsync(paymentId, CancellationToken.None);
            }
            if (result.Outcome == ChannelOutcome.Unknown && channel.Capabilities.SupportsClose)
            {
                result = await CloseAndConfirmAsync(channel, request.Order, result, deadline);
            }
            var index = candidates.ToList().IndexOf(channel.Id);
            var next = index >= 0 && index + 1 < candidates.Count ? candidates[index + 1] : null;
            var now = clock.GetUtcNow();
            var inTime = (deadline is null || now < deadline) && now < payment.ExpireTime;
            var nextAttempt = result.Outcome == ChannelOutcome.Failed && next is not null && inTime
                ? NewAttempt(paymentId, attempt.Number + 1, next, payment.Amount, now)
                : null;
            if (nextAttempt is not null)
            {
                logger.FailingOver(paymentId, channel.Id, attempt.Number, result.Error?.Code, result.NativeCode, next);
                await changes.MutateAsync(paymentId, p => p.CurrentAttempt?.Reference != attempt.Reference
                    ? null
                    : PaymentTransitions.FailOver(p, p.FindAttempt(channel.Id, attempt.Reference)!, result, nextAttempt, clock.GetUtcNow()), null);
                continue;
            }
            return await changes.ApplyResultAsync(paymentId, channel.Id, attempt.Reference, result);
        }
    }

    /// <summary>
    /// An order whose fate stays unknown is closed at the network, and the close confirmed by a query, before another
    /// channel may be tried: then it is definitely not paid (Failed). A query that finds it paid wins.
    /// </summary>
    private async Task<ChannelResult> CloseAndConfirmAsync(IPaymentChannel channel, ChannelOrder order, ChannelResult unknown, DateTimeOffset? deadline)
    {
        var closed = await calls.CloseAsync(channel, order, deadline);
        var confirm = await calls.QueryAsync(channel, order, deadline);
        return confirm.Outcome switch
        {
            ChannelOutcome.Succeeded => confirm,
            ChannelOutcome.Failed or ChannelOutcome.Declined when closed.Outcome == ChannelOutcome.Succeeded =>
                new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = confirm.NativeCode, NativeMessage = "closed and confirmed closed after an unknown outcome" },
            _ => unknown,
        };
    }

    private ChannelPaymentRequest RequestFor(Payment payment, Attempt attempt, IPaymentChannel channel, PaymentCard? card) =>
        new(attempt.Reference, attempt.SettlementAmount(payment), payment.Description, payment.ExpireTime, NotifyUrl(channel.Id), card, attempt.CreateTime, payment.Payer);

    /// <summary>
    /// A new attempt on <paramref name="channel"/>; when the channel settles in another currency, converted at a fresh quote
    /// (null when no quote can be had).
    /// </summary>
    public Attempt? NewAttempt(string paymentId, int number, string channel, Adapters.Money.Money amount, DateTimeOffset now)
    {
        var capabilities = channels.Get(channel).Capabilities;
        var (quote, refusal) = Fx.FxSettlement.For(capabilities, amount, fx);
        if (quote is null && refusal is not null && !capabilities.Currencies.ContainsKey(amount.Currency))
        {
            logger.NoAttempt(paymentId, channel, refusal);
            return null;
        }
        return new Attempt
        {
            Id = PaymentIds.NewAttemptId(clock),
            Number = number,
            Channel = channel,
            Reference = PaymentIds.AttemptReference(paymentId, number),
            State = AttemptState.Pending,
            CreateTime = now,
            UpdateTime = now,
            Conversion = quote is null ? null : new AttemptConversion(quote.Id, quote.To.AmountMinor, quote.To.Currency.Code, quote.Rate, quote.RatesAsOf, quote.ExpireTime),
        };
    }

    /// <summary>
    /// The payer passed the network's authentication (3-D Secure): the attempt is saved as waiting for its authorisation
    /// before the authorisation is sent again with the authentication's result, under a key the network derives from the
    /// order's reference, so that a crash anywhere in between is finished by the recovery worker without a second charge.
    /// </summary>
    public async Task<Payment> AuthorizeAuthenticatedAsync(string paymentId, string channelId, string reference, ChannelResult authenticated, NotificationReceipt? receipt = null)
    {
        var payment = await changes.ApplyResultAsync(paymentId, channelId, reference, authenticated, receipt);
        var attempt = payment.FindAttempt(channelId, reference);
        var channel = channels.Get(channelId);
        if (attempt is not { State: AttemptState.Pending } || authenticated.AuthenticationId is not { } authenticationId || channel is not IPayerAuthenticationChannel)
        {
            return payment;
        }
        var order = new ChannelOrder(reference, attempt.CreateTime, payment.ExpireTime);
        var result = await AuthorizeAsync(channel, order, authenticationId, null);
        if (ChannelCalls.IsNotSent(result))
        {
            // Nothing left: the attempt stays pending and the recovery worker sends it.
            return await changes.GetAsync(paymentId, CancellationToken.None);
        }
        if (result.Outcome == ChannelOutcome.Unknown)
        {
            await changes.ApplyResultAsync(paymentId, channelId, reference, result);
            result = await calls.QueryAsync(channel, order);
        }
        return await changes.ApplyResultAsync(paymentId, channelId, reference, result);
    }

    private Task<ChannelResult> AuthorizeAsync(IPaymentChannel channel, ChannelOrder order, string authenticationId, DateTimeOffset? deadline) =>
        calls.AuthorizeAuthenticatedAsync(channel, (IPayerAuthenticationChannel)channel, order, authenticationId, deadline);

    /// <summary>
    /// Finds out what became of an attempt whose outcome is unknown. The order is queried; when it exists
    /// unpaid, or never reached the network, sending the same order number again is safe (the network
    /// de-duplicates by it) and gives the payer's instructions back.
    /// </summary>
    private async Task<ChannelResult> ResolveUnknownAsync(IPaymentChannel channel, ChannelPaymentRequest request, DateTimeOffset? deadline = null)
    {
        var query = await calls.QueryAsync(channel, request.Order, deadline);
        if (query.AuthenticationId is { } authenticationId && channel is IPayerAuthenticationChannel)
        {
            // The payer passed the challenge but the authorisation was never confirmed sent: send it (idempotent at the network).
            return await AuthorizeAsync(channel, request.Order, authenticationId, deadline);
        }
        var resend = query.Outcome == ChannelOutcome.RequiresAction
            || (query.Outcome == ChannelOutcome.Failed && query.Error == ErrorCatalogue.ChannelOrderNotFound);
        // Card details live for the first call only: without them, "never reached the network" stays a failure.
        var complete = !channel.Capabilities.Flows.Contains(PaymentFlow.Card) || request.Card is not null;
        if (resend && complete && clock.GetUtcNow() < request.ExpireTime)
        {
            return await calls.CreateAsync(channel, request, deadline);
        }
        return query;
    }

    private string NotifyUrl(string channelId) => $"{options.NotifyBaseUrl.TrimEnd('/')}/notify/{channelId}";
}
