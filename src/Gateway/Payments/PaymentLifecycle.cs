using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>
/// The payment core's front: create, pay again, cancel, refund, and what channels say. Each job lives in its own piece:
/// <see cref="IdempotencyGuard"/> (request ids), <see cref="AttemptRunner"/> (the failover rule), <see cref="PaymentRecovery"/>
/// (expiry and recovery), <see cref="PaymentRefunds"/>, and <see cref="PaymentChanges"/> (every change saved with its event).
/// The rule that keeps money safe: an attempt is written durably before its channel is called.
/// </summary>
public sealed class PaymentLifecycle
{
    private const string CreateScope = "create";
    private const string CancelScope = "cancel";
    private const string RetryScope = "retry";
    private const string ConfirmScope = "confirm";
    private const string ApproveScope = "approve";
    private readonly IPaymentStore store;
    private readonly ChannelRegistry channels;
    private readonly PaymentRouter router;
    private readonly ChannelCalls calls;
    private readonly PaymentSignals signals;
    private readonly TimeProvider clock;
    private readonly ILogger<PaymentLifecycle> logger;
    private readonly PaymentAdmission? admission;
    private readonly PaymentOptions _options;
    private readonly IdempotencyGuard guard;
    private readonly PaymentChanges changes;
    private readonly AttemptRunner attempts;
    private readonly PaymentRecovery recovery;
    private readonly PaymentRefunds refunds;
    private readonly PaymentChallenges challenges;
    private readonly Groups.GroupBookings? bookings;

    public PaymentLifecycle(
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
        PaymentAdmission? admission = null,
        Risk.IRiskEngine? risk = null,
        Risk.Verification.VerificationCodes? verificationCodes = null,
        Risk.Verification.IVerificationSender? verificationSender = null,
        IOptions<Risk.Verification.ChallengeOptions>? challengeOptions = null,
        Groups.GroupBookings? bookings = null)
    {
        this.bookings = bookings;
        this.store = store;
        this.channels = channels;
        this.router = router;
        this.calls = calls;
        this.signals = signals;
        this.clock = clock;
        this.logger = logger;
        this.admission = admission;
        _options = options.Value;
        guard = new IdempotencyGuard(store, locks);
        changes = new PaymentChanges(store, channels, calls, signals, clock, logger);
        attempts = new AttemptRunner(channels, calls, changes, _options, clock, logger, fx);
        recovery = new PaymentRecovery(store, channels, calls, changes, attempts, _options, clock, logger);
        refunds = new PaymentRefunds(store, channels, calls, changes, guard, _options, clock, logger);
        challenges = new PaymentChallenges(risk, verificationCodes, verificationSender, challengeOptions?.Value ?? new(), clock, logger);
    }

    /// <summary>Creates a payment of <paramref name="merchantId"/>'s and runs its first attempt. Idempotent by the command's request id.</summary>
    public async Task<Payment> CreateAsync(string merchantId, CreatePaymentCommand command, CancellationToken cancellationToken, DateTimeOffset? deadline = null)
    {
        // Admitted before anything is written: when the gateway is full the caller is refused (PM-4501) and nothing exists.
        using (await AdmitAsync(CreateScope, deadline, cancellationToken))
        {
            var key = command.RequestId is { } requestId ? new IdempotencyKey(merchantId, CreateScope, requestId, command.Fingerprint()) : null;
            return await guard.RunAsync(key, k => CreateNewAsync(merchantId, command, k, deadline, cancellationToken),
                earlier => GetAsync(earlier.PaymentId, cancellationToken), cancellationToken);
        }
    }

    /// <summary>A slot for one payment operation, held until its channel calls are done (none when admission is off).</summary>
    private async Task<IDisposable?> AdmitAsync(string operation, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        admission is null ? null : await admission.EnterAsync(operation, deadline, cancellationToken);

    private async Task<Payment> CreateNewAsync(string merchantId, CreatePaymentCommand command, IdempotencyKey? key, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var routing = router.Route(command);
        var now = clock.GetUtcNow();
        var id = PaymentIds.NewPaymentId(clock);
        var assessment = challenges.Assess(new RiskRequest(merchantId, command.Amount, command.Customer, command.PayerContext, command.CardFingerprint,
            command.PreferredChannel ?? routing.Candidates[0], command.Payer, now));
        var payment = new Payment
        {
            Id = id,
            MerchantId = merchantId,
            State = PaymentState.Processing,
            AmountMinor = command.Amount.AmountMinor,
            Currency = command.Amount.Currency.Code,
            Description = command.Description,
            Customer = command.Customer,
            PreferredChannel = command.PreferredChannel,
            Card = command.Card is { } card ? new CardSummary(card.Brand, card.Last4, card.ExpMonth, card.ExpYear, command.CardFingerprint) : null,
            Payer = command.Payer,
            PayerContext = command.PayerContext,
            Risk = assessment,
            Routing = routing,
            CreateTime = now,
            UpdateTime = now,
            ExpireTime = command.ExpireTime ?? now + _options.DefaultExpiry,
            Metadata = new Dictionary<string, string>(command.Metadata),
            ReturnUrl = command.ReturnUrl,
        };
        // A payment booked to a group sub-account: the sub-account checked and the approval decided (its budget is held by the write).
        var booking = await BookAsync(merchantId, command, cancellationToken);
        payment.Group = booking?.Group;
        // Kept whatever risk control decides: a payment it blocks still needs its approvers, so it is never paid again without them.
        payment.Approval = booking?.Approval;
        if (payment.Approval is not null && assessment is { Outcome: RiskOutcome.Challenge })
        {
            // Fail closed: a payment cannot wait for its approvers and for the payer's code at once.
            payment.Risk = assessment = Groups.GroupBookings.ChallengeUnderApproval(assessment);
        }
        if (assessment is { Outcome: not RiskOutcome.Allow })
        {
            return await CreateUnderRiskAsync(payment, assessment, command, key);
        }
        if (payment.Approval is not null)
        {
            // Above the sub-account's threshold: written waiting for its approvers; no channel hears of it until the last approves.
            payment.State = PaymentState.AwaitingApproval;
            await InsertAsync(payment, new PaymentChange(PaymentEventTypes.AwaitingApproval), key?.RecordFor(id, now), cancellationToken);
            signals.Saved(payment, null, PaymentEventTypes.AwaitingApproval);
            Observability.PaymentStateMetrics.Saved(payment, null);
            return payment;
        }
        payment.Attempts.Add(FirstAttempt(payment, routing, now));
        var idempotency = key?.RecordFor(id, now);
        // Durable before the channel hears of it: a crash from here on leaves an attempt the recovery worker resolves.
        await InsertAsync(payment, new PaymentChange(PaymentEventTypes.Created), idempotency, cancellationToken);
        signals.Saved(payment, null, PaymentEventTypes.Created);
        Observability.PaymentStateMetrics.Saved(payment, null);
        logger.Created(id, command.Amount, routing.Candidates, routing.Reason);
        return await attempts.RunAttemptsAsync(id, routing.Candidates, command.Card, deadline, written: payment);
    }

    /// <summary>
    /// A payment risk control blocked (written FAILED with <c>PM-3005</c>; no channel is ever called) or challenged (written
    /// REQUIRES_ACTION with its code's hash; the code is sent once the payment is durable). Its first event says which.
    /// </summary>
    private async Task<Payment> CreateUnderRiskAsync(Payment payment, RiskAssessment assessment, CreatePaymentCommand command, IdempotencyKey? key)
    {
        string code = "";
        string eventType;
        if (assessment.Outcome == RiskOutcome.Block)
        {
            payment.State = PaymentState.Failed;
            payment.Error = RiskTransitions.Blocked();
            eventType = PaymentEventTypes.RiskBlocked;
        }
        else
        {
            (payment.Challenge, code) = challenges.Issue(payment.Id, assessment, command.Customer.MaskedContact, command.PreferredChannel, payment.ExpireTime, command.Card, command.CardFingerprint);
            payment.Risk = assessment with { Challenge = ChallengeState.Pending };
            payment.State = PaymentState.RequiresAction;
            eventType = PaymentEventTypes.RiskChallenged;
        }
        await InsertAsync(payment, new PaymentChange(eventType), key?.RecordFor(payment.Id, payment.CreateTime), CancellationToken.None);
        signals.Saved(payment, null, eventType);
        Observability.PaymentStateMetrics.Saved(payment, null);
        logger.RiskDecided(payment.Id, assessment.Outcome, RiskTransitions.Summary(assessment), assessment.RuleSetVersion);
        if (assessment.Outcome == RiskOutcome.Challenge)
        {
            await challenges.SendAsync(payment, code, command.Contact, command.Card);
        }
        return payment;
    }

    /// <summary>The payment's booking to its group sub-account (budget held, approval decided), or null when it names none.</summary>
    private async Task<Groups.Booking?> BookAsync(string merchantId, CreatePaymentCommand command, CancellationToken cancellationToken)
    {
        if (command.Customer.Account is null)
        {
            return null;
        }
        return bookings is null
            ? throw Groups.GroupBookings.AccountNotFound(command.Customer.Account)
            : await bookings.BookAsync(merchantId, command, cancellationToken);
    }

    /// <summary>
    /// Writes a new payment. One booked to a sub-account holds its budget in the same write, atomically with every other
    /// payment's: over budget, nothing is written and the caller hears <c>PM-3101</c>.
    /// </summary>
    private async Task InsertAsync(Payment payment, PaymentChange change, IdempotencyRecord? idempotency, CancellationToken cancellationToken)
    {
        try
        {
            await store.InsertAsync(payment, change, idempotency, cancellationToken);
        }
        catch (Groups.BudgetExceededException over)
        {
            throw over.ToPaymentException();
        }
    }

    /// <summary>
    /// Pays a FAILED payment again before it expires, with a new attempt routed afresh (the payer may name another
    /// method). A booked payment above its sub-account's threshold only once its approvers approved it. Idempotent by <paramref name="requestId"/>.
    /// </summary>
    public async Task<Payment> RetryAsync(string merchantId, string id, string? requestId, string? preferredChannel, PaymentCard? card, DateTimeOffset? deadline, CancellationToken cancellationToken,
        PayerContext? payer = null, string? cardFingerprint = null)
    {
        await changes.GetOwnedAsync(merchantId, id, cancellationToken);
        using (await AdmitAsync(RetryScope, deadline, cancellationToken))
        {
            var key = requestId is null ? null : new IdempotencyKey(merchantId, RetryScope, requestId, id);
            return await guard.RunAsync(key, async k =>
            {
                var payment = await GetAsync(id, cancellationToken);
                var now = clock.GetUtcNow();
                // Refused before risk control or routing hears of it (a payment its approvers never approved: PM-3106); the
                // transitions check again on the payment as saved.
                PaymentTransitions.EnsurePayable(payment, now, PaymentState.Failed);
                var routing = RouteAgain(payment, preferredChannel, card);
                var assessment = challenges.Assess(new RiskRequest(merchantId, payment.Amount, payment.Customer, payer ?? payment.PayerContext,
                    cardFingerprint ?? payment.Card?.Fingerprint, preferredChannel ?? routing.Candidates[0], payment.Payer, now, id));
                if (assessment is { Outcome: not RiskOutcome.Allow })
                {
                    return await RetryUnderRiskAsync(id, assessment, payer, preferredChannel, card, cardFingerprint, k?.RecordFor(id, now));
                }
                var next = FirstAttempt(payment, routing, now);
                var retried = await changes.MutateAsync(id, p =>
                {
                    p.Risk = assessment ?? p.Risk;
                    p.PayerContext = payer ?? p.PayerContext;
                    return PaymentTransitions.Retry(p, next, clock.GetUtcNow());
                }, k?.RecordFor(id, now));
                logger.PaidAgain(id, next.Number, routing.Candidates);
                return await attempts.RunAttemptsAsync(id, routing.Candidates, card, deadline, written: retried);
            }, earlier => GetAsync(earlier.PaymentId, cancellationToken), cancellationToken);
        }
    }

    /// <summary>Pay-again blocked (stays FAILED, now <c>PM-3005</c>) or challenged (REQUIRES_ACTION until the payer's code).</summary>
    private async Task<Payment> RetryUnderRiskAsync(string id, RiskAssessment assessment, PayerContext? payer, string? preferredChannel, PaymentCard? card, string? cardFingerprint,
        IdempotencyRecord? record)
    {
        string? code = null;
        var payment = await changes.MutateAsync(id, p =>
        {
            p.PayerContext = payer ?? p.PayerContext;
            if (assessment.Outcome == RiskOutcome.Block)
            {
                return RiskTransitions.Block(p, assessment, clock.GetUtcNow());
            }
            (var challenge, code) = challenges.Issue(id, assessment, p.Customer.MaskedContact, preferredChannel, p.ExpireTime, card, cardFingerprint);
            return RiskTransitions.Challenge(p, assessment, challenge, clock.GetUtcNow());
        }, record);
        logger.RiskDecided(id, assessment.Outcome, RiskTransitions.Summary(assessment), assessment.RuleSetVersion);
        if (code is not null)
        {
            // The contact given on creation is kept masked only; a pay-again challenge goes through the sender without it.
            await challenges.SendAsync(payment, code, null, card);
        }
        return payment;
    }

    /// <summary>
    /// Confirms a challenged payment with the payer's code. The right code in time runs the first attempt as creation would
    /// have; a wrong one costs a try (<c>PM-3006</c>); the last wrong try, or a code after its time, fails the payment with
    /// <c>PM-3005</c>. Idempotent by <paramref name="requestId"/> (a request that ended in a wrong code is not remembered).
    /// </summary>
    public async Task<Payment> ConfirmAsync(string merchantId, string id, string? requestId, string code, PaymentCard? card, DateTimeOffset? deadline, CancellationToken cancellationToken,
        string? cardFingerprint = null)
    {
        await changes.GetOwnedAsync(merchantId, id, cancellationToken);
        using (await AdmitAsync(ConfirmScope, deadline, cancellationToken))
        {
            var key = requestId is null ? null : new IdempotencyKey(merchantId, ConfirmScope, requestId, id);
            return await guard.RunAsync(key, k => ConfirmOnceAsync(id, code, card, cardFingerprint, k, deadline, cancellationToken),
                earlier => GetAsync(earlier.PaymentId, cancellationToken), cancellationToken);
        }
    }

    private async Task<Payment> ConfirmOnceAsync(string id, string code, PaymentCard? card, string? cardFingerprint, IdempotencyKey? key, DateTimeOffset? deadline,
        CancellationToken cancellationToken)
    {
        var payment = await GetAsync(id, cancellationToken);
        var now = clock.GetUtcNow();
        var challenge = RiskTransitions.PendingChallenge(payment);
        if (now >= challenge.ExpireTime)
        {
            return await FailChallengeAsync(id, challenge, "expired", key?.RecordFor(id, now));
        }
        if (!challenges.Matches(payment, code))
        {
            // Decided on the payment as saved, not as read above: wrong codes sent together cannot outnumber the tries.
            var wrong = await changes.MutateAsync(id, p => p.Challenge?.CodeHash != challenge.CodeHash ? null
                : p.Challenge.AttemptsLeft <= 1 ? RiskTransitions.Fail(p, clock.GetUtcNow()) : RiskTransitions.WrongCode(p, clock.GetUtcNow()), null);
            if (wrong.Challenge?.CodeHash == challenge.CodeHash)
            {
                throw PaymentChallenges.WrongCode(wrong);
            }
            challenges.TakeCard(id);
            logger.ChallengeSettled(id, "failed or answered meanwhile");
            return wrong.State == PaymentState.Failed ? wrong : throw RiskTransitions.NotWaiting(wrong);
        }
        if (card is not null && (!challenge.PaysByCard || cardFingerprint != challenge.CardFingerprint))
        {
            // Risk control judged the payment with its card: no other card (or method) may be charged under its challenge.
            throw PaymentException.InvalidField("payment_method.card", "must be the card this payment was challenged with (none when it was not a card payment)");
        }
        var payWith = challenge.PaysByCard ? card ?? challenges.TakeCard(id) : null;
        if (challenge.PaysByCard && payWith is null)
        {
            throw PaymentChallenges.CardNeeded(id);
        }
        return await ContinueToRoutingAsync(payment, challenge.PreferredChannel, payWith, (p, first, at) => RiskTransitions.Pass(p, challenge, first, at),
            key?.RecordFor(id, now), deadline, () => logger.ChallengeSettled(id, "passed"));
    }

    /// <summary>
    /// The one way a payment that waited (for the payer's code, for its approvers) goes on: routed afresh, its first attempt
    /// written by <paramref name="transition"/> with the change that ends the wait, then run as creation would have run it.
    /// </summary>
    private async Task<Payment> ContinueToRoutingAsync(Payment payment, string? preferredChannel, PaymentCard? card, Func<Payment, Attempt, DateTimeOffset, string> transition,
        IdempotencyRecord? record, DateTimeOffset? deadline, Action settled)
    {
        var routing = RouteAgain(payment, preferredChannel, card);
        var first = FirstAttempt(payment, routing, clock.GetUtcNow());
        var moved = await changes.MutateAsync(payment.Id, p => transition(p, first, clock.GetUtcNow()), record);
        settled();
        logger.PaidAgain(payment.Id, first.Number, routing.Candidates);
        return await attempts.RunAttemptsAsync(payment.Id, routing.Candidates, card, deadline, written: moved);
    }

    /// <summary>
    /// <paramref name="memberId"/> approves their step of a payment waiting for approval; the last step sends it on to routing and
    /// its first attempt (<see cref="ContinueToRoutingAsync"/>). Refusals change nothing (<see cref="Groups.ApprovalTransitions"/>).
    /// </summary>
    public async Task<Payment> ApproveAsync(string merchantId, string id, string memberId, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var payment = await changes.GetOwnedAsync(merchantId, id, cancellationToken);
        Groups.ApprovalTransitions.Pending(payment, clock.GetUtcNow());
        if (!Groups.ApprovalTransitions.IsLast(payment, memberId))
        {
            return await changes.MutateAsync(id, p => Groups.ApprovalTransitions.Approve(p, memberId, null, clock.GetUtcNow()), null);
        }
        using (await AdmitAsync(ApproveScope, deadline, cancellationToken))
        {
            return await ContinueToRoutingAsync(payment, payment.PreferredChannel, null, (p, first, at) => Groups.ApprovalTransitions.Approve(p, memberId, first, at),
                null, deadline, () => logger.Approved(id, memberId));
        }
    }

    /// <summary><paramref name="memberId"/> rejects their step: the payment fails with <c>PM-3102</c>. Refusals change nothing.</summary>
    public async Task<Payment> RejectAsync(string merchantId, string id, string memberId, string? reason, CancellationToken cancellationToken)
    {
        await changes.GetOwnedAsync(merchantId, id, cancellationToken);
        return await changes.MutateAsync(id, p => Groups.ApprovalTransitions.Reject(p, memberId, reason, clock.GetUtcNow()), null);
    }

    /// <summary>Fails a challenge whose code lapsed or whose tries are spent: FAILED with <c>PM-3005</c>.</summary>
    private async Task<Payment> FailChallengeAsync(string id, VerificationChallenge challenge, string why, IdempotencyRecord? record)
    {
        var failed = await changes.MutateAsync(id, p => p.Challenge?.CodeHash == challenge.CodeHash ? RiskTransitions.Fail(p, clock.GetUtcNow()) : null, record);
        challenges.TakeCard(id);
        logger.ChallengeSettled(id, "failed: " + why);
        return failed;
    }

    /// <summary>Routing afresh for a payment that exists (paid again, or through its challenge), with the method the payer names now.</summary>
    private RoutingDecision RouteAgain(Payment payment, string? preferredChannel, PaymentCard? card) =>
        router.Route(new CreatePaymentCommand(null, payment.Amount, payment.Description, payment.Customer, preferredChannel, payment.ExpireTime, payment.Metadata, card, payment.Payer));

    /// <summary>The payment's next attempt, on the first candidate of <paramref name="routing"/>.</summary>
    private Attempt FirstAttempt(Payment payment, RoutingDecision routing, DateTimeOffset now) =>
        attempts.NewAttempt(payment.Id, payment.Attempts.Count + 1, routing.Candidates[0], payment.Amount, now)
            ?? throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment, $"{routing.Candidates[0]} cannot take {payment.Amount}: no exchange rate");

    private Task<Payment> GetAsync(string id, CancellationToken cancellationToken) => changes.GetAsync(id, cancellationToken);

    /// <summary>A payment of <paramref name="merchantId"/>'s; another merchant's is not found, exactly as one that does not exist.</summary>
    public Task<Payment> GetAsync(string merchantId, string id, CancellationToken cancellationToken) => changes.GetOwnedAsync(merchantId, id, cancellationToken);

    public Task<IReadOnlyList<Payment>> ListAsync(string merchantId, PaymentState? state, PageCursor? after, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(merchantId, state, after, limit, cancellationToken);

    /// <summary>
    /// Applies a verified channel notification. One that would make an attempt paid is first confirmed by asking the
    /// network about that one order (a signed answer about a single order cannot be re-cut into another's): its
    /// answer is what gets applied, and a notification the network does not confirm (yet) changes nothing and is
    /// refused, so that the network sends it again.
    /// </summary>
    public async Task<NotificationOutcome> ApplyNotificationAsync(string channelId, ChannelNotification notification, CancellationToken cancellationToken, NotificationReceipt? receipt = null)
    {
        if (notification.RefundReference is not null)
        {
            return await refunds.ApplyNotificationAsync(channelId, notification, receipt, cancellationToken);
        }
        var payment = await store.FindByAttemptReferenceAsync(channelId, notification.Reference, cancellationToken);
        if (payment is null)
        {
            logger.NotificationForUnknownOrder(notification.NotificationId, channelId, notification.Reference);
            return NotificationOutcome.UnknownOrder;
        }
        var attempt = payment.FindAttempt(channelId, notification.Reference)!;
        var result = notification.Result;
        var channel = channels.Get(channelId);
        if (result.AuthenticationId is not null)
        {
            // The payer passed the challenge: the authorisation goes again with its result; its answer is what settles the attempt.
            await attempts.AuthorizeAuthenticatedAsync(payment.Id, channelId, notification.Reference, result, receipt);
            return NotificationOutcome.Applied;
        }
        if (result.Outcome == ChannelOutcome.Succeeded && attempt.State != AttemptState.Succeeded && channel.Capabilities.SupportsQuery)
        {
            var confirmed = await calls.QueryAsync(channel, new ChannelOrder(attempt.Reference, attempt.CreateTime, payment.ExpireTime));
            if (confirmed.Outcome != ChannelOutcome.Succeeded)
            {
                logger.NotificationNotConfirmed(notification.NotificationId, channelId, notification.Reference, confirmed.Outcome, confirmed.NativeCode);
                return NotificationOutcome.NotConfirmed;
            }
            result = confirmed;
        }
        await changes.ApplyResultAsync(payment.Id, channelId, notification.Reference, result, receipt);
        return NotificationOutcome.Applied;
    }

    /// <summary>Applies what a channel's own verified record says of an order (a bank statement entry already matched).</summary>
    public async Task ApplyChannelRecordAsync(string paymentId, string channelId, string reference, ChannelResult result) =>
        await changes.ApplyResultAsync(paymentId, channelId, reference, result);

    /// <summary>Flags a payment for which money arrived that could not be matched as is; the credit waits for review.</summary>
    public Task<Payment> FlagHeldCreditAsync(string paymentId) =>
        changes.MutateAsync(paymentId, p => PaymentTransitions.CreditHeld(p, clock.GetUtcNow()), null);

    /// <summary>Flags a payment whose paying credit the bank reversed (event <c>payment.reversed</c>, once).</summary>
    public Task<Payment> FlagReversedAsync(string paymentId) =>
        changes.MutateAsync(paymentId, p => PaymentTransitions.CreditReversed(p, clock.GetUtcNow()), null);

    public async Task<Payment> CancelAsync(string merchantId, string id, string? requestId, CancellationToken cancellationToken)
    {
        await changes.GetOwnedAsync(merchantId, id, cancellationToken);
        var key = requestId is null ? null : new IdempotencyKey(merchantId, CancelScope, requestId, id);
        return await guard.RunAsync(key, k => CancelOnceAsync(id, k?.RecordFor(id, clock.GetUtcNow()), cancellationToken),
            earlier => GetAsync(earlier.PaymentId, cancellationToken), cancellationToken);
    }

    private async Task<Payment> CancelOnceAsync(string id, IdempotencyRecord? record, CancellationToken cancellationToken)
    {
        var payment = await GetAsync(id, cancellationToken);
        EnsureNotFinal(payment, "canceled");
        payment = await recovery.CloseOpenAttemptsAsync(payment);
        EnsureNotFinal(payment, "canceled");
        return await changes.MutateAsync(id, p => PaymentTransitions.Cancel(p, clock.GetUtcNow()), record);
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

    /// <summary>Refunds <paramref name="amountMinor"/> (0: all that is left) of a SUCCEEDED payment. Idempotent by <paramref name="requestId"/>.</summary>
    public async Task<(Payment Payment, Refund Refund)> RefundAsync(string merchantId, string paymentId, long amountMinor, string reason, string? requestId, DateTimeOffset? deadline,
        CancellationToken cancellationToken)
    {
        await changes.GetOwnedAsync(merchantId, paymentId, cancellationToken);
        using (await AdmitAsync(PaymentRefunds.Scope, deadline, cancellationToken))
        {
            return await refunds.RefundAsync(merchantId, paymentId, amountMinor, reason, requestId, deadline, cancellationToken);
        }
    }

    public Task<(Payment Payment, Refund Refund)> GetRefundAsync(string merchantId, string refundId, CancellationToken cancellationToken) =>
        refunds.GetRefundAsync(merchantId, refundId, cancellationToken);

    public Task<Payment> ResolvePendingRefundsAsync(Payment payment) => refunds.ResolvePendingRefundsAsync(payment);

    public Task<Payment> RefundDuplicatesAsync(Payment payment) => changes.RefundDuplicatesAsync(payment);

    public Task<Payment> ExpireAsync(Payment payment) => recovery.ExpireAsync(payment);

    public Task<Payment> ResolveOpenAttemptsAsync(Payment payment) => recovery.ResolveOpenAttemptsAsync(payment);

    /// <summary>
    /// The payer-query schedule's turn for a payment waiting for its payer: its channel order is asked about; a risk challenge
    /// (whose one point on the schedule is its code's lapse) fails if still unanswered, and its held card is let go.
    /// </summary>
    public async Task<Payment> QueryAwaitingPayerAsync(Payment payment) =>
        payment is { State: PaymentState.RequiresAction, Challenge: { } challenge }
            ? clock.GetUtcNow() >= challenge.ExpireTime ? await FailChallengeAsync(payment.Id, challenge, "expired", null) : payment
            : await recovery.QueryAwaitingPayerAsync(payment);
}
