using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>
/// The payment core: creates payments and runs their attempts, applies what channels say, cancels and
/// expires. The rule that keeps money safe: an attempt is written durably before its channel is called, and
/// every change is saved with its event in one transaction, re-applied on a concurrent change.
/// </summary>
public sealed partial class PaymentLifecycle(
    IPaymentStore store,
    ChannelRegistry channels,
    PaymentRouter router,
    ChannelCalls calls,
    PaymentSignals signals,
    KeyedLock locks,
    IOptions<PaymentOptions> options,
    TimeProvider clock,
    ILogger<PaymentLifecycle> logger,
    Fx.FxRates? fx = null,
    PaymentAdmission? admission = null)
{
    private const string CreateScope = "create";
    private const string CancelScope = "cancel";
    private const string RetryScope = "retry";
    private readonly PaymentOptions _options = options.Value;

    public async Task<Payment> CreateAsync(CreatePaymentCommand command, CancellationToken cancellationToken, DateTimeOffset? deadline = null)
    {
        // Admitted before anything is written: when the gateway is full the caller is refused (PM-4501) and nothing exists.
        using (await AdmitAsync(CreateScope, deadline, cancellationToken))
        {
            return await CreateAdmittedAsync(command, deadline, cancellationToken);
        }
    }

    /// <summary>A slot for one payment operation, held until its channel calls are done (none when admission is off).</summary>
    private async Task<IDisposable?> AdmitAsync(string operation, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        admission is null ? null : await admission.EnterAsync(operation, deadline, cancellationToken);

    private async Task<Payment> CreateAdmittedAsync(CreatePaymentCommand command, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (command.RequestId is not { } requestId)
        {
            return await CreateNewAsync(command, null, deadline, cancellationToken);
        }
        var fingerprint = command.Fingerprint();
        using (await locks.AcquireAsync($"{CreateScope}:{requestId}", cancellationToken))
        {
            var earlier = await store.FindIdempotencyAsync(CreateScope, requestId, cancellationToken);
            if (earlier is not null)
            {
                return await ReplayAsync(earlier, fingerprint, cancellationToken);
            }
            try
            {
                return await CreateNewAsync(command, fingerprint, deadline, cancellationToken);
            }
            catch (IdempotencyKeyTakenException)
            {
                // Another gateway instance took the key between our look-up and our insert.
                earlier = await store.FindIdempotencyAsync(CreateScope, requestId, cancellationToken);
                return await ReplayAsync(earlier!, fingerprint, cancellationToken);
            }
        }
    }

    private async Task<Payment> ReplayAsync(IdempotencyRecord earlier, string fingerprint, CancellationToken cancellationToken)
    {
        if (earlier.Fingerprint != fingerprint)
        {
            throw new PaymentException(ErrorCatalogue.RequestIdReused,
                $"request_id {earlier.Key} was already used with different parameters (for payment {earlier.PaymentId})",
                metadata: new Dictionary<string, string> { ["request_id"] = earlier.Key, ["payment_id"] = earlier.PaymentId });
        }
        return await GetAsync(earlier.PaymentId, cancellationToken);
    }

    private async Task<Payment> CreateNewAsync(CreatePaymentCommand command, string? fingerprint, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var routing = router.Route(command);
        var now = clock.GetUtcNow();
        var id = PaymentIds.NewPaymentId(clock);
        var payment = new Payment
        {
            Id = id,
            State = PaymentState.Processing,
            AmountMinor = command.Amount.AmountMinor,
            Currency = command.Amount.Currency.Code,
            Description = command.Description,
            Customer = command.Customer,
            PreferredChannel = command.PreferredChannel,
            Card = command.Card is { } card ? new CardSummary(card.Brand, card.Last4, card.ExpMonth, card.ExpYear) : null,
            Payer = command.Payer,
            Routing = routing,
            CreateTime = now,
            UpdateTime = now,
            ExpireTime = command.ExpireTime ?? now + _options.DefaultExpiry,
            Metadata = new Dictionary<string, string>(command.Metadata),
            Attempts = [NewAttempt(id, 1, routing.Candidates[0], command.Amount, now)
                ?? throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment, $"{routing.Candidates[0]} cannot take {command.Amount}: no exchange rate")],
        };
        var idempotency = fingerprint is null ? null : new IdempotencyRecord(CreateScope, command.RequestId!, fingerprint, id, now);
        // Durable before the channel hears of it: a crash from here on leaves an attempt the recovery worker resolves.
        await store.InsertAsync(payment, new PaymentChange(PaymentEventTypes.Created), idempotency, cancellationToken);
        signals.Changed(id);
        logger.LogInformation("Payment {PaymentId} created: {Amount}, routed to {Channels} ({Reason})", id, command.Amount, string.Join(" > ", routing.Candidates), routing.Reason);
        return await RunAttemptsAsync(id, routing.Candidates, command.Card, deadline);
    }

    /// <summary>
    /// Runs the payment's current attempt and, while attempts definitely fail, the next candidates (the failover
    /// rule): Failed -> next channel as a new attempt; Unknown -> query, then close and confirm closed, then next
    /// channel, else the payment stays PROCESSING for the recovery worker; Declined -> no failover.
    /// </summary>
    private async Task<Payment> RunAttemptsAsync(string paymentId, IReadOnlyList<string> candidates, PaymentCard? card, DateTimeOffset? deadline, bool resumeUnknown = false)
    {
        while (true)
        {
            var payment = await GetAsync(paymentId, CancellationToken.None);
            var attempt = payment.CurrentAttempt!;
            var channel = channels.Get(attempt.Channel);
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
                    await ApplyResultAsync(paymentId, channel.Id, attempt.Reference, result);
                    result = await ResolveUnknownAsync(channel, request, deadline);
                }
            }
            if (ChannelCalls.IsNotSent(result))
            {
                // Held back by the gateway's own limit: nothing reached the network, so nothing failed. The attempt stays as it
                // is (pending or unknown) and the recovery worker takes it up; a payment is never failed by our own limits.
                logger.LogWarning("Payment {PaymentId}: call to {Channel} held back ({Native}); left for the recovery worker", paymentId, channel.Id, result.NativeMessage);
                return await GetAsync(paymentId, CancellationToken.None);
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
                logger.LogWarning("Payment {PaymentId}: {Channel} did not take attempt {Number} ({Code} {Native}); failing over to {Next}",
                    paymentId, channel.Id, attempt.Number, result.Error?.Code, result.NativeCode, next);
                await MutateAsync(paymentId, p => p.CurrentAttempt?.Reference != attempt.Reference
                    ? null
                    : PaymentTransitions.FailOver(p, p.FindAttempt(channel.Id, attempt.Reference)!, result, nextAttempt, clock.GetUtcNow()), null);
                continue;
            }
            return await ApplyResultAsync(paymentId, channel.Id, attempt.Reference, result);
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
    private Attempt? NewAttempt(string paymentId, int number, string channel, Adapters.Money.Money amount, DateTimeOffset now)
    {
        var capabilities = channels.Get(channel).Capabilities;
        var (quote, refusal) = Fx.FxSettlement.For(capabilities, amount, fx);
        if (quote is null && refusal is not null && !capabilities.Currencies.ContainsKey(amount.Currency))
        {
            logger.LogWarning("Payment {PaymentId}: no attempt on {Channel}: {Refusal}", paymentId, channel, refusal);
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
    /// Pays a FAILED payment again before it expires, with a new attempt routed afresh (the payer may name another
    /// method). Idempotent by <paramref name="requestId"/>.
    /// </summary>
    public async Task<Payment> RetryAsync(string id, string? requestId, string? preferredChannel, PaymentCard? card, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        using (await AdmitAsync(RetryScope, deadline, cancellationToken))
        {
            return await RetryAdmittedAsync(id, requestId, preferredChannel, card, deadline, cancellationToken);
        }
    }

    private async Task<Payment> RetryAdmittedAsync(string id, string? requestId, string? preferredChannel, PaymentCard? card, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        IDisposable? held = null;
        IdempotencyRecord? record = null;
        try
        {
            if (requestId is not null)
            {
                held = await locks.AcquireAsync($"{RetryScope}:{requestId}", cancellationToken);
                var earlier = await store.FindIdempotencyAsync(RetryScope, requestId, cancellationToken);
                if (earlier is not null)
                {
                    return earlier.PaymentId == id
                        ? await GetAsync(id, cancellationToken)
                        : throw new PaymentException(ErrorCatalogue.RequestIdReused, $"request_id {requestId} was already used to retry payment {earlier.PaymentId}",
                            metadata: new Dictionary<string, string> { ["request_id"] = requestId, ["payment_id"] = earlier.PaymentId });
                }
                record = new IdempotencyRecord(RetryScope, requestId, id, id, clock.GetUtcNow());
            }
            var payment = await GetAsync(id, cancellationToken);
            var command = new CreatePaymentCommand(null, payment.Amount, payment.Description, payment.Customer, preferredChannel, payment.ExpireTime, payment.Metadata, card, payment.Payer);
            var routing = router.Route(command);
            var next = NewAttempt(id, payment.Attempts.Count + 1, routing.Candidates[0], payment.Amount, clock.GetUtcNow())
                ?? throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment, $"{routing.Candidates[0]} cannot take {payment.Amount}: no exchange rate");
            await MutateAsync(id, p => PaymentTransitions.Retry(p, next, clock.GetUtcNow()), record);
            logger.LogInformation("Payment {PaymentId} paid again: attempt {Number} via {Channels}", id, next.Number, string.Join(" > ", routing.Candidates));
            return await RunAttemptsAsync(id, routing.Candidates, card, deadline);
        }
        finally
        {
            held?.Dispose();
        }
    }

    /// <summary>
    /// Finds out what became of an attempt whose outcome is unknown. The order is queried; when it exists
    /// unpaid, or never reached the network, sending the same order number again is safe (the network
    /// de-duplicates by it) and gives the payer's instructions back.
    /// </summary>
    private async Task<ChannelResult> ResolveUnknownAsync(IPaymentChannel channel, ChannelPaymentRequest request, DateTimeOffset? deadline = null)
    {
        var query = await calls.QueryAsync(channel, request.Order, deadline);
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

    public async Task<Payment> GetAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken)
            ?? throw new PaymentException(ErrorCatalogue.PaymentNotFound, $"no payment has id {id}", metadata: new Dictionary<string, string> { ["payment_id"] = id });

    public Task<IReadOnlyList<Payment>> ListAsync(PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(state, after, limit, cancellationToken);

    /// <summary>
    /// Applies a verified channel notification. One that would make an attempt paid is first confirmed by asking the
    /// network about that one order (a signed answer about a single order cannot be re-cut into another's): its
    /// answer is what gets applied, and a notification the network does not confirm (yet) changes nothing and is
    /// refused, so that the network sends it again.
    /// </summary>
    public async Task<NotificationOutcome> ApplyNotificationAsync(string channelId, ChannelNotification notification, CancellationToken cancellationToken)
    {
        var payment = await store.FindByAttemptReferenceAsync(channelId, notification.Reference, cancellationToken);
        if (payment is null)
        {
            logger.LogWarning("Notification {NotificationId} from {Channel} names unknown order {Reference}", notification.NotificationId, channelId, notification.Reference);
            return NotificationOutcome.UnknownOrder;
        }
        var attempt = payment.FindAttempt(channelId, notification.Reference)!;
        var result = notification.Result;
        var channel = channels.Get(channelId);
        if (result.Outcome == ChannelOutcome.Succeeded && attempt.State != AttemptState.Succeeded && channel.Capabilities.SupportsQuery)
        {
            var confirmed = await calls.QueryAsync(channel, new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime));
            if (confirmed.Outcome != ChannelOutcome.Succeeded)
            {
                logger.LogWarning("Notification {NotificationId} from {Channel} says order {Reference} is paid; the network's query says {Outcome} ({Native}): not applied",
                    notification.NotificationId, channelId, notification.Reference, confirmed.Outcome, confirmed.NativeCode);
                return NotificationOutcome.NotConfirmed;
            }
            result = confirmed;
        }
        await ApplyResultAsync(payment.Id, channelId, notification.Reference, result);
        return NotificationOutcome.Applied;
    }

    /// <summary>Applies what a channel's own verified record says of an order (a bank statement entry already matched).</summary>
    public async Task ApplyChannelRecordAsync(string paymentId, string channelId, string reference, ChannelResult result) =>
        await ApplyResultAsync(paymentId, channelId, reference, result);

    /// <summary>Flags a payment for which money arrived that could not be matched as is; the credit waits for review.</summary>
    public Task<Payment> FlagHeldCreditAsync(string paymentId) =>
        MutateAsync(paymentId, p => PaymentTransitions.CreditHeld(p, clock.GetUtcNow()), null);

    public async Task<Payment> CancelAsync(string id, string? requestId, CancellationToken cancellationToken)
    {
        if (requestId is null)
        {
            return await CancelOnceAsync(id, null, cancellationToken);
        }
        using (await locks.AcquireAsync($"{CancelScope}:{requestId}", cancellationToken))
        {
            var earlier = await store.FindIdempotencyAsync(CancelScope, requestId, cancellationToken);
            if (earlier is not null)
            {
                if (earlier.PaymentId != id)
                {
                    throw new PaymentException(ErrorCatalogue.RequestIdReused,
                        $"request_id {requestId} was already used to cancel payment {earlier.PaymentId}",
                        metadata: new Dictionary<string, string> { ["request_id"] = requestId, ["payment_id"] = earlier.PaymentId });
                }
                return await GetAsync(id, cancellationToken);
            }
            var record = new IdempotencyRecord(CancelScope, requestId, id, id, clock.GetUtcNow());
            try
            {
                return await CancelOnceAsync(id, record, cancellationToken);
            }
            catch (IdempotencyKeyTakenException)
            {
                return await CancelAsync(id, requestId, cancellationToken);
            }
        }
    }

    private async Task<Payment> CancelOnceAsync(string id, IdempotencyRecord? record, CancellationToken cancellationToken)
    {
        var payment = await GetAsync(id, cancellationToken);
        EnsureNotFinal(payment, "canceled");
        payment = await CloseOpenAttemptsAsync(payment);
        EnsureNotFinal(payment, "canceled");
        return await MutateAsync(id, p => PaymentTransitions.Cancel(p, clock.GetUtcNow()), record);
    }

    /// <summary>Ends an unpaid payment past its expiry, closing its channel orders first.</summary>
    public async Task<Payment> ExpireAsync(Payment payment)
    {
        payment = await CloseOpenAttemptsAsync(payment);
        if (payment.State.IsFinal())
        {
            return payment;
        }
        var expired = await MutateAsync(payment.Id, p => p.State.IsFinal() ? null : PaymentTransitions.Expire(p, clock.GetUtcNow()), null);
        logger.LogInformation("Payment {PaymentId} expired unpaid", payment.Id);
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
                payment = await RunAttemptsAsync(payment.Id, payment.Routing.Candidates, null, null, resumeUnknown: true);
                if (payment.CurrentAttempt is { State: AttemptState.Pending } still && still.Reference == attempt.Reference)
                {
                    // Still in flight (a transfer settling over days): ask again after a tenth of its age so far, within bounds.
                    var age = clock.GetUtcNow() - still.CreateTime;
                    var wait = TimeSpan.FromTicks(Math.Clamp(age.Ticks / 10, _options.InFlightQueryMin.Ticks, Math.Max(_options.InFlightQueryMin.Ticks, _options.InFlightQueryMax.Ticks)));
                    await store.DeferChecksAsync(payment.Id, clock.GetUtcNow() + wait, CancellationToken.None);
                }
                continue;
            }
            // An attempt already superseded is only asked about, never sent again: that could open a second live order.
            var channel = channels.Get(attempt.Channel);
            var result = await calls.QueryAsync(channel, new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime));
            payment = await ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, result);
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
                logger.LogInformation("Payment {PaymentId}: paid at {Channel}, found by the gateway's own query", payment.Id, channel.Id);
                return await ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, result);
            }
        }
        await store.SchedulePayerQueryAsync(payment.Id, PayerQuerySchedule.Next(payment, _options.AwaitingPayerSchedule, clock.GetUtcNow()), CancellationToken.None);
        return payment;
    }

    /// <summary>
    /// Closes the channel order of every open attempt, so that nobody can pay it after the payment ends.
    /// When a close fails, the order is queried: a paid order makes the payment SUCCEEDED; one that cannot be
    /// confirmed closed leaves the payment as it is and the caller is told to try again.
    /// </summary>
    private async Task<Payment> CloseOpenAttemptsAsync(Payment payment)
    {
        foreach (var attempt in payment.Attempts.Where(a => a.State.IsOpen()).ToList())
        {
            var channel = channels.Get(attempt.Channel);
            var order = new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime);
            var closed = await calls.CloseAsync(channel, order);
            if (closed.Outcome == ChannelOutcome.Succeeded)
            {
                payment = await MutateAsync(payment.Id, p => PaymentTransitions.MarkClosed(p, p.FindAttempt(channel.Id, attempt.Reference)!, clock.GetUtcNow()), null);
                continue;
            }
            var query = await calls.QueryAsync(channel, order);
            switch (query.Outcome)
            {
                case ChannelOutcome.Succeeded:
                    payment = await ApplyResultAsync(payment.Id, channel.Id, attempt.Reference, query);
                    break;
                case ChannelOutcome.Failed or ChannelOutcome.Declined:
                    payment = await MutateAsync(payment.Id, p => PaymentTransitions.MarkClosed(p, p.FindAttempt(channel.Id, attempt.Reference)!, clock.GetUtcNow()), null);
                    break;
                default:
                    throw new PaymentException(ErrorCatalogue.OutcomeUnknown,
                        $"the {channel.Id} order {attempt.Reference} could not be confirmed closed ({closed.NativeCode}); try again",
                        metadata: new Dictionary<string, string> { ["channel"] = channel.Id, ["native_code"] = closed.NativeCode });
            }
        }
        return payment;
    }

    private static void EnsureNotFinal(Payment payment, string verb)
    {
        if (payment.State.IsFinal())
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition,
                $"payment {payment.Id} is {payment.State.ToString().ToUpperInvariant()} and cannot be {verb}",
                metadata: new Dictionary<string, string> { ["payment_id"] = payment.Id, ["state"] = payment.State.ToString().ToUpperInvariant() });
        }
    }

    private async Task<Payment> ApplyResultAsync(string paymentId, string channelId, string reference, ChannelResult result)
    {
        string? change = null;
        var payment = await MutateAsync(paymentId, p =>
        {
            var attempt = p.FindAttempt(channelId, reference) ?? throw new InvalidOperationException($"payment {p.Id} has no attempt {reference}");
            change = PaymentTransitions.ApplyChannelResult(p, attempt, result, clock.GetUtcNow());
            return change;
        }, null);
        if (change is PaymentEventTypes.LateSuccessFlagged or PaymentEventTypes.AmountMismatchFlagged)
        {
            logger.LogError("Payment {PaymentId}: {Event} on {Channel} order {Reference}; flagged for operators", paymentId, change, channelId, reference);
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
                logger.LogWarning("Payment {PaymentId}: duplicate success on {Channel} order {Reference} refunded ({Refund})", payment.Id, channel.Id, attempt.Reference, refund.Reference);
            }
            else
            {
                logger.LogError("Payment {PaymentId}: refund {Refund} of a duplicate success not confirmed yet ({Outcome} {Native}); retrying later",
                    payment.Id, refund.Reference, result.Outcome, result.NativeCode);
            }
        }
        return payment;
    }

    /// <summary>Loads, changes and saves a payment, starting again when another writer saved it in between.</summary>
    private async Task<Payment> MutateAsync(string paymentId, Func<Payment, PaymentChange?> change, IdempotencyRecord? idempotency)
    {
        while (true)
        {
            var payment = await GetAsync(paymentId, CancellationToken.None);
            var expected = payment.Version;
            if (change(payment) is not { } recorded)
            {
                return payment;
            }
            if (await store.TryUpdateAsync(payment, expected, recorded, idempotency, CancellationToken.None))
            {
                signals.Changed(paymentId);
                return payment;
            }
        }
    }

    private string NotifyUrl(string channelId) => $"{_options.NotifyBaseUrl.TrimEnd('/')}/notify/{channelId}";
}
