using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Fx;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// What can be done to a dispute (level 2 and 3): evidence, accept (a refund through the payment's normal refund path), contest,
/// escalate, an arbitration's decision. Each is checked in full before anything changes (a refused request changes nothing), then
/// saved with its change in the dispute's history, and published as an event. A merchant acts only on its own disputes: another
/// merchant's is "not found", as one that does not exist.
/// </summary>
public sealed class DisputeDesk(IDisputeStore store, DisputeEvents events, PaymentLifecycle lifecycle, FxRates rates, IOptions<DisputeOptions> options, TimeProvider clock,
    ILogger<DisputeDesk> logger)
{
    private readonly DisputeOptions _options = options.Value;
    private const int MaxText = 1000;
    private const string AcceptPurpose = "accept";
    private const string ArbitrationPurpose = "arbitration";
    private static readonly HashSet<string> EvidenceKinds = new(StringComparer.Ordinal) { "receipt", "shipping", "correspondence", "refund_policy", "other" };

    public DisputeOptions Options => _options;

    /// <summary>The dispute, if <paramref name="actor"/> may see it.</summary>
    public async Task<Dispute> GetAsync(DisputeActor actor, string id, CancellationToken cancellationToken)
    {
        var dispute = DisputeIds.LooksLikeDisputeId(id) ? await store.GetAsync(id, cancellationToken) : null;
        return dispute is not null && (actor.IsOperator || dispute.MerchantId == actor.MerchantId) ? dispute : throw NotFound(id);
    }

    public Task<IReadOnlyList<DisputePayout>> PayoutsAsync(Dispute dispute, CancellationToken cancellationToken) =>
        dispute.PayoutIds.Count == 0 ? Task.FromResult<IReadOnlyList<DisputePayout>>([]) : store.ListPayoutsAsync(dispute.Id, cancellationToken);

    /// <summary>A new dispute, due by its kind (or the acquirer's deadline when sooner); escalated at once when the amount calls for arbitration.</summary>
    public Dispute New(string paymentId, string merchantId, DisputeSource source, long amountMinor, string currency, string reason, DisputeReport? report,
        string? acquirerDisputeId, string? reasonCode, DateTimeOffset? respondBy)
    {
        var now = clock.GetUtcNow();
        var complex = source is DisputeSource.CardChargeback or DisputeSource.CardPreArbitration;
        var dispute = new Dispute
        {
            Id = DisputeIds.NewDisputeId(),
            MerchantId = merchantId,
            PaymentId = paymentId,
            State = DisputeState.Open,
            Level = DisputeLevel.Automatic,
            Source = source,
            Complex = complex,
            AmountMinor = amountMinor,
            Currency = currency,
            Reason = reason,
            ReasonCode = reasonCode,
            AcquirerDisputeId = acquirerDisputeId,
            Report = report,
            DueTime = DueTime(now, complex, respondBy),
            CreateTime = now,
        };
        dispute.Record(DisputeEventTypes.Opened, source == DisputeSource.Screening ? DisputeActor.Gateway.Actor : DisputeActor.Acquirer.Actor, reason, now);
        if (source == DisputeSource.CardPreArbitration)
        {
            Escalate(dispute, DisputeActor.Acquirer, "the acquirer's pre-arbitration", now);
        }
        else if (DisputeEscalation.Reason(dispute, now, _options, DisputeEscalation.ToCny(rates)) is { } why)
        {
            Escalate(dispute, DisputeActor.Gateway, why, now);
        }
        return dispute;
    }

    /// <summary>When a dispute opened (or moved to a new stage) at <paramref name="now"/> is due.</summary>
    public DateTimeOffset DueTime(DateTimeOffset now, bool complex, DateTimeOffset? respondBy)
    {
        var due = now + (complex ? _options.ComplexDue : _options.OrdinaryDue);
        return respondBy is { } deadline && deadline < due ? deadline : due;
    }

    /// <summary>Logs and publishes a dispute just stored.</summary>
    public async Task OpenedAsync(Dispute dispute, CancellationToken cancellationToken)
    {
        logger.Opened(dispute.Id, dispute.PaymentId, dispute.MerchantId, dispute.Source, dispute.Reason);
        if (dispute.State == DisputeState.Escalated)
        {
            logger.Escalated(dispute.Id, dispute.EscalationReason ?? "");
        }
        await events.PublishAsync(dispute, cancellationToken);
    }

    public Task<Dispute> AddEvidenceAsync(DisputeActor actor, string id, string kind, string description, byte[] content, CancellationToken cancellationToken)
    {
        if (content.Length > _options.MaxEvidenceBytes)
        {
            throw new PaymentException(ErrorCatalogue.DisputeEvidenceTooLarge, $"the evidence is {content.Length} bytes; at most {_options.MaxEvidenceBytes} are taken",
                [new FieldViolation("content", $"must be at most {_options.MaxEvidenceBytes} bytes (it is {content.Length})")]);
        }
        if (content.Length == 0)
        {
            throw PaymentException.InvalidField("content", "must not be empty");
        }
        if (!EvidenceKinds.Contains(kind))
        {
            throw PaymentException.InvalidField("kind", $"must be one of {string.Join(", ", EvidenceKinds.Order(StringComparer.Ordinal))}");
        }
        if (description.Length > MaxText)
        {
            throw PaymentException.InvalidField("description", $"must be at most {MaxText} characters");
        }
        var evidenceId = DisputeIds.NewEvidenceId();
        return ChangeAsync(actor, id, (dispute, now) =>
        {
            RefuseClosed(dispute);
            if (dispute.Evidence.Count >= _options.MaxEvidenceItems)
            {
                throw new PaymentException(ErrorCatalogue.DisputeEvidenceLimit, $"dispute {dispute.Id} holds {dispute.Evidence.Count} pieces of evidence, the most allowed");
            }
            var item = new DisputeEvidenceItem(evidenceId, kind, description, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), actor.Actor, now);
            dispute.Evidence.Add(item);
            Handled(dispute);
            dispute.Record(DisputeEventTypes.EvidenceAdded, actor.Actor, $"{kind} {evidenceId} ({content.Length} bytes)", now);
            return new DisputeEvidenceContent(evidenceId, dispute.Id, content);
        }, null, cancellationToken);
    }

    public Task<Dispute> ContestAsync(DisputeActor actor, string id, string reason, CancellationToken cancellationToken)
    {
        RequireText("reason", reason);
        return ChangeAsync(actor, id, (dispute, now) =>
        {
            RefuseClosed(dispute);
            if (dispute.State != DisputeState.Open)
            {
                throw StateForbids(dispute, "contested");
            }
            dispute.State = DisputeState.Contested;
            Handled(dispute);
            dispute.Record(DisputeEventTypes.Contested, actor.Actor, reason, now);
            return null;
        }, null, cancellationToken);
    }

    public Task<Dispute> EscalateAsync(DisputeActor actor, string id, string reason, CancellationToken cancellationToken)
    {
        RequireText("reason", reason);
        return ChangeAsync(actor, id, (dispute, now) =>
        {
            RefuseClosed(dispute);
            if (dispute.State is DisputeState.Escalated or DisputeState.RefundPending)
            {
                throw StateForbids(dispute, "escalated");
            }
            Escalate(dispute, actor, reason, now);
            return null;
        }, null, cancellationToken);
    }

    /// <summary>
    /// Accepts. An inquiry or a screening's dispute: refunds <paramref name="amountMinor"/> (0: the disputed amount) through the payment's
    /// normal refund path, reserved on the dispute first (<see cref="DisputeState.RefundPending"/>) so that a repeat, a concurrent call or
    /// the worker carries out the same refund, and closed as ACCEPTED once the refund succeeded. A card chargeback (or pre-arbitration):
    /// the acquirer took the money back already, so nothing is refunded; the loss is recorded (<see cref="Dispute.ChargebackMinor"/>).
    /// An escalated dispute is the arbitration's to decide.
    /// </summary>
    public async Task<Dispute> AcceptAsync(DisputeActor actor, string id, long amountMinor, string reason, CancellationToken cancellationToken)
    {
        if (amountMinor < 0)
        {
            throw PaymentException.InvalidField("amount_minor", "must be 0 (the disputed amount) or more");
        }
        if (reason.Length > MaxText)
        {
            throw PaymentException.InvalidField("reason", $"must be at most {MaxText} characters");
        }
        var dispute = await GetAsync(actor, id, cancellationToken);
        RefuseClosed(dispute);
        if (dispute.PendingRefund is null && !IsChargeback(dispute.Source))
        {
            RefuseEscalated(dispute);
            await RefundableAsync(dispute, amountMinor == 0 ? dispute.AmountMinor : amountMinor, "amount_minor", cancellationToken);
        }
        var decided = await ChangeAsync(actor, id, (d, now) =>
        {
            RefuseClosed(d);
            if (d.PendingRefund is { } planned)
            {
                // A repeat (or a concurrent call) of an accept under way carries out the same refund; an arbitration's is not an accept's.
                return planned.Purpose == AcceptPurpose ? null : throw StateForbids(d, "accepted while the arbitration's refund is under way");
            }
            RefuseEscalated(d);
            if (IsChargeback(d.Source))
            {
                if (amountMinor != 0 && amountMinor != d.AmountMinor)
                {
                    throw PaymentException.InvalidField("amount_minor", $"must be 0 or {d.AmountMinor}: the acquirer took the disputed amount back by chargeback");
                }
                d.ChargebackMinor = d.AmountMinor;
                d.State = DisputeState.Accepted;
                Handled(d);
                d.Record(DisputeEventTypes.Accepted, actor.Actor,
                    $"chargeback of {DisputeScreening.Format(d.AmountMinor, d.Currency)} accepted: the acquirer took it back, nothing refunded", now);
                return null;
            }
            var amount = amountMinor == 0 ? d.AmountMinor : amountMinor;
            if (amount > d.AmountMinor)
            {
                throw AmountExceeded(d, amount, "amount_minor");
            }
            Reserve(d, amount, reason.Length > 0 ? reason : $"dispute {d.Id} accepted", AcceptPurpose, actor, null);
            return null;
        }, null, cancellationToken);
        return decided.PendingRefund is null ? decided : await CarryOutAsync(decided, throwOnFailure: true, cancellationToken);
    }

    /// <summary>
    /// Records an arbitration's decision (operators only) and carries it out: a refund (reserved on the dispute first, as an accept's, and
    /// recorded once it succeeded), a payout, or nothing. A decided (closed) dispute is refused and nothing changes.
    /// </summary>
    public async Task<Dispute> ArbitrateAsync(DisputeActor actor, string id, ArbitrationOutcome outcome, IReadOnlyList<string> parties, long amountMinor, string payee,
        string note, CancellationToken cancellationToken)
    {
        if (!actor.IsOperator)
        {
            throw new PaymentException(ErrorCatalogue.PermissionDenied, "an arbitration's decision is recorded by an operator: call it with an operator key");
        }
        if (!Enum.IsDefined(outcome))
        {
            throw PaymentException.InvalidField("outcome", "must be OUTCOME_REFUND, OUTCOME_COMPENSATION or OUTCOME_REJECTED");
        }
        var named = parties.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (named.Count < 2 || named.Any(p => p.Length > 200))
        {
            throw PaymentException.InvalidField("parties", "must name at least two parties, each up to 200 characters");
        }
        RequireText("note", note);
        if (outcome == ArbitrationOutcome.Rejected ? amountMinor != 0 : amountMinor < 1)
        {
            throw PaymentException.InvalidField("amount_minor", outcome == ArbitrationOutcome.Rejected ? "must be 0 for a rejection" : "must be at least 1");
        }
        if (outcome == ArbitrationOutcome.Compensation && !named.Contains(payee, StringComparer.Ordinal))
        {
            throw PaymentException.InvalidField("payee", "must be one of the parties");
        }
        var dispute = await GetAsync(actor, id, cancellationToken);
        RefuseClosed(dispute);
        if (dispute.PendingRefund is null)
        {
            RefuseUnlessEscalated(dispute);
            if (amountMinor > dispute.AmountMinor)
            {
                throw AmountExceeded(dispute, amountMinor, "amount_minor");
            }
            if (outcome == ArbitrationOutcome.Refund && !IsChargeback(dispute.Source))
            {
                await RefundableAsync(dispute, amountMinor, "amount_minor", cancellationToken);
            }
        }
        var payout = outcome == ArbitrationOutcome.Compensation
            ? new DisputePayout(DisputeIds.NewPayoutId(), dispute.Id, dispute.MerchantId, payee, amountMinor, dispute.Currency, clock.GetUtcNow())
            : null;
        var decided = await ChangeAsync(actor, id, (d, time) =>
        {
            RefuseClosed(d);
            if (d.PendingRefund is { } planned)
            {
                // A repeat of an arbitration's refund under way carries out the same refund; anything else waits for it.
                return planned.Purpose == ArbitrationPurpose && outcome == ArbitrationOutcome.Refund ? null
                    : throw StateForbids(d, "decided again while the refund of a decision is under way");
            }
            RefuseUnlessEscalated(d);
            if (amountMinor > d.AmountMinor)
            {
                throw AmountExceeded(d, amountMinor, "amount_minor");
            }
            var decision = new ArbitrationDecision(outcome, named, amountMinor, note, actor.Actor, time, null, payout?.Id);
            if (outcome == ArbitrationOutcome.Refund && IsChargeback(d.Source))
            {
                // The acquirer took the money back with its chargeback: a decision for the payer is the loss recorded, never a refund too.
                d.ChargebackMinor = amountMinor;
            }
            else if (outcome == ArbitrationOutcome.Refund)
            {
                Reserve(d, amountMinor, $"dispute {d.Id}: arbitration", ArbitrationPurpose, actor, decision);
                return null;
            }
            if (payout is not null)
            {
                d.PayoutIds.Add(payout.Id);
            }
            Arbitrated(d, decision, time);
            return null;
        }, payout, cancellationToken);
        return decided.PendingRefund is null ? decided : await CarryOutAsync(decided, throwOnFailure: true, cancellationToken);
    }

    /// <summary>
    /// Follows the refund a decision reserved (the worker): sends it if a crash left it unsent, and settles the dispute once the refund
    /// path says it succeeded or failed. A refund still PENDING leaves the dispute as it is.
    /// </summary>
    internal async Task<Dispute> FollowRefundAsync(string id, CancellationToken cancellationToken)
    {
        var dispute = await GetAsync(DisputeActor.Gateway, id, cancellationToken);
        return dispute.PendingRefund is null ? dispute : await CarryOutAsync(dispute, throwOnFailure: false, cancellationToken);
    }
    /// <summary>Marks a due time passed (the worker); false when the dispute was answered or marked meanwhile.</summary>
    internal Task<Dispute> MarkDueBreachedAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(DisputeActor.Gateway, id, (dispute, now) =>
        {
            if (dispute.State != DisputeState.Open || dispute.DueBreached || dispute.DueTime > now)
            {
                return null;
            }
            dispute.DueBreached = true;
            dispute.Record(DisputeEventTypes.DueBreached, DisputeActor.Gateway.Actor,
                $"due {dispute.DueTime.ToString("O", CultureInfo.InvariantCulture)} ({(dispute.Complex ? "complex" : "ordinary")}), not answered", now);
            logger.DueBreached(dispute.Id, dispute.DueTime);
            return null;
        }, null, cancellationToken);

    /// <summary>Escalates when the rules say so (the worker).</summary>
    internal Task<Dispute> EscalateIfDueAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(DisputeActor.Gateway, id, (dispute, now) =>
        {
            if (DisputeEscalation.Reason(dispute, now, _options, DisputeEscalation.ToCny(rates)) is { } why)
            {
                Escalate(dispute, DisputeActor.Gateway, why, now);
            }
            return null;
        }, null, cancellationToken);

    /// <summary>
    /// Applies a change to the stored dispute and saves it (again from a fresh copy when another writer came first), then publishes what it
    /// recorded. A change that changes nothing saves nothing.
    /// </summary>
    internal async Task<Dispute> ChangeAsync(DisputeActor actor, string id, Func<Dispute, DateTimeOffset, DisputeEvidenceContent?> change, DisputePayout? payout,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var dispute = await GetAsync(actor, id, cancellationToken);
            var expected = dispute.Version;
            var before = DisputeJson.Serialize(dispute);
            var recorded = dispute.History.Count;
            var evidence = change(dispute, clock.GetUtcNow());
            if (DisputeJson.Serialize(dispute) == before)
            {
                return dispute;
            }
            if (await store.TryUpdateAsync(dispute, expected, evidence, dispute.PayoutIds.Contains(payout?.Id ?? "") ? payout : null, cancellationToken))
            {
                if (dispute.History.Count > recorded)
                {
                    logger.Changed(dispute.Id, dispute.History[^1].Type, actor.Actor);
                    await events.PublishAsync(dispute, cancellationToken);
                }
                return dispute;
            }
        }
    }

    /// <summary>Reserves a refund on the dispute (saved under its version before the refund path hears of it).</summary>
    private static void Reserve(Dispute dispute, long amount, string reason, string purpose, DisputeActor actor, ArbitrationDecision? decision)
    {
        dispute.RefundAttempts++;
        var requestId = dispute.RefundAttempts == 1 ? $"{dispute.Id}/refund" : $"{dispute.Id}/refund/{dispute.RefundAttempts}";
        dispute.PendingRefund = new DisputeRefundPlan(requestId, amount, reason, purpose, actor.Actor, dispute.State, dispute.Source, decision);
        dispute.State = DisputeState.RefundPending;
        Handled(dispute);
    }

    /// <summary>
    /// Carries out the reserved refund through the refund path (idempotent by the plan's request id: a repeat returns the same refund)
    /// and settles the dispute by its outcome: closed when it succeeded, back where it was (with a <c>dispute.refund_failed</c>) when it
    /// failed, left reserved while it is PENDING.
    /// </summary>
    private async Task<Dispute> CarryOutAsync(Dispute dispute, bool throwOnFailure, CancellationToken cancellationToken)
    {
        var plan = dispute.PendingRefund!;
        Refund refund;
        try
        {
            (_, refund) = await lifecycle.RefundAsync(dispute.MerchantId, dispute.PaymentId, plan.AmountMinor, plan.Reason, plan.RequestId, null, cancellationToken);
        }
        catch (PaymentException refused)
        {
            // Refused by the refund path before any refund was made (e.g. another refund took what was left): the reservation is released.
            await SettleAsync(dispute.Id, plan, null, $"refund refused: {refused.Code.Code} {refused.Message}", cancellationToken);
            throw;
        }
        var settled = await SettleAsync(dispute.Id, plan, refund, $"refund {refund.Id} failed: {refund.Error?.Code} {refund.Error?.Message}", cancellationToken);
        if (refund.State == RefundState.Failed && throwOnFailure)
        {
            throw new PaymentException(ErrorCatalogue.DisputeRefundFailed, $"refund {refund.Id} for dispute {dispute.Id} failed: {refund.Error?.Message}",
                metadata: new Dictionary<string, string> { ["refund_id"] = refund.Id, ["dispute_id"] = dispute.Id });
        }
        return settled;
    }

    /// <summary>Applies a reserved refund's outcome (null: refused, none made) to the dispute, if that reservation is still the dispute's.</summary>
    private Task<Dispute> SettleAsync(string id, DisputeRefundPlan plan, Refund? refund, string failure, CancellationToken cancellationToken) =>
        ChangeAsync(DisputeActor.Gateway, id, (d, now) =>
        {
            if (d.PendingRefund is not { } current || current.RequestId != plan.RequestId)
            {
                return null;
            }
            if (refund is { State: RefundState.Pending })
            {
                d.PendingRefund = current with { RefundId = refund.Id };
                return null;
            }
            d.PendingRefund = null;
            // A later stage from the acquirer while the refund was under way asks for an answer again (or for arbitration) instead of closing it.
            var reopened = d.Source != current.PlannedSource;
            var reopenedState = d.Source == DisputeSource.CardPreArbitration ? DisputeState.Escalated : DisputeState.Open;
            if (refund is not { State: RefundState.Succeeded })
            {
                d.State = reopened ? reopenedState : current.ResumeState;
                d.Record(DisputeEventTypes.RefundFailed, DisputeActor.Gateway.Actor, failure, now);
                return null;
            }
            d.RefundIds.Add(refund.Id);
            var what = $"refund {refund.Id} of {DisputeScreening.Format(current.AmountMinor, d.Currency)}";
            if (current.Decision is { } decision)
            {
                Arbitrated(d, decision with { RefundId = refund.Id }, now);
            }
            else
            {
                d.State = DisputeState.Accepted;
                d.Record(DisputeEventTypes.Accepted, current.Actor, what, now);
            }
            if (reopened)
            {
                d.State = reopenedState;
                d.Record(DisputeEventTypes.Updated, DisputeActor.Gateway.Actor, $"reopened after {what}: the acquirer reported the {d.Source} meanwhile", now);
            }
            return null;
        }, null, cancellationToken);

    private static void Arbitrated(Dispute dispute, ArbitrationDecision decision, DateTimeOffset now)
    {
        dispute.Arbitration = decision;
        dispute.State = DisputeState.Arbitrated;
        dispute.Level = DisputeLevel.Arbitration;
        var what = decision.Outcome switch
        {
            ArbitrationOutcome.Refund => $"refund {decision.RefundId} of {DisputeScreening.Format(decision.AmountMinor, dispute.Currency)}",
            ArbitrationOutcome.Compensation => $"compensation {decision.PayoutId} of {DisputeScreening.Format(decision.AmountMinor, dispute.Currency)}",
            _ => "rejected",
        };
        dispute.Record(DisputeEventTypes.Arbitrated, decision.DecidedBy, $"{what}; parties {string.Join(", ", decision.Parties)}: {decision.Note}", now);
    }

    /// <summary>Refuses more than the disputed amount, or than is left to refund of the payment (nothing changes).</summary>
    private async Task RefundableAsync(Dispute dispute, long amount, string field, CancellationToken cancellationToken)
    {
        if (amount > dispute.AmountMinor)
        {
            throw AmountExceeded(dispute, amount, field);
        }
        var payment = await lifecycle.GetAsync(dispute.MerchantId, dispute.PaymentId, cancellationToken);
        var left = payment.AmountMinor - payment.Refunds.Where(r => r.State != RefundState.Failed).Sum(r => r.AmountMinor);
        if (amount > left)
        {
            throw new PaymentException(ErrorCatalogue.DisputeAmountExceeded, $"only {DisputeScreening.Format(left, dispute.Currency)} of payment {payment.Id} is left to refund",
                [new FieldViolation(field, $"must be at most {left}, what is left to refund")]);
        }
    }

    private static PaymentException AmountExceeded(Dispute dispute, long amount, string field) =>
        new(ErrorCatalogue.DisputeAmountExceeded, $"{DisputeScreening.Format(amount, dispute.Currency)} is more than the disputed "
            + DisputeScreening.Format(dispute.AmountMinor, dispute.Currency), [new FieldViolation(field, $"must be at most {dispute.AmountMinor}")]);

    /// <summary>A card chargeback or pre-arbitration: the acquirer has taken the money back already.</summary>
    private static bool IsChargeback(DisputeSource source) => source is DisputeSource.CardChargeback or DisputeSource.CardPreArbitration;

    private static void RefuseEscalated(Dispute dispute)
    {
        if (dispute.State is DisputeState.Escalated or DisputeState.RefundPending)
        {
            throw StateForbids(dispute, dispute.State == DisputeState.Escalated ? "accepted: the arbitration decides it" : "accepted now");
        }
    }

    private static void RefuseUnlessEscalated(Dispute dispute)
    {
        if (dispute.State != DisputeState.Escalated)
        {
            throw StateForbids(dispute, "decided by arbitration before it is escalated");
        }
    }

    private void Escalate(Dispute dispute, DisputeActor actor, string reason, DateTimeOffset now)
    {
        dispute.State = DisputeState.Escalated;
        dispute.Level = DisputeLevel.Arbitration;
        dispute.EscalationReason = reason;
        dispute.Record(DisputeEventTypes.Escalated, actor.Actor, reason, now);
        logger.Escalated(dispute.Id, reason);
    }

    /// <summary>A person acted: an automatic dispute is now being handled (arbitration stays arbitration).</summary>
    private static void Handled(Dispute dispute)
    {
        if (dispute.Level == DisputeLevel.Automatic)
        {
            dispute.Level = DisputeLevel.Manual;
        }
    }

    private static void RefuseClosed(Dispute dispute)
    {
        if (dispute.Closed)
        {
            throw new PaymentException(ErrorCatalogue.DisputeClosed, $"dispute {dispute.Id} is closed ({dispute.State.ToString().ToUpperInvariant()})",
                metadata: new Dictionary<string, string> { ["dispute_id"] = dispute.Id });
        }
    }

    private static PaymentException StateForbids(Dispute dispute, string what) =>
        new(ErrorCatalogue.DisputeStateForbids, $"dispute {dispute.Id} is {dispute.State.ToString().ToUpperInvariant()}: it cannot be {what}",
            metadata: new Dictionary<string, string> { ["dispute_id"] = dispute.Id });

    private static void RequireText(string field, string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxText)
        {
            throw PaymentException.InvalidField(field, $"must be 1 to {MaxText} characters");
        }
    }

    private static PaymentException NotFound(string id) =>
        new(ErrorCatalogue.DisputeNotFound, $"no dispute has id {id}", metadata: new Dictionary<string, string> { ["dispute_id"] = id });
}
