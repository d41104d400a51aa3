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
            if (dispute.State == DisputeState.Escalated)
            {
                throw StateForbids(dispute, "escalated");
            }
            Escalate(dispute, actor, reason, now);
            return null;
        }, null, cancellationToken);
    }

    /// <summary>
    /// Accepts: refunds <paramref name="amountMinor"/> (0: the disputed amount) through the payment's normal refund path, then closes the
    /// dispute. The refund's request id is the dispute's and its version, so that a repeat after a crash gets the same refund.
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
        var amount = amountMinor == 0 ? dispute.AmountMinor : amountMinor;
        var refundId = await RefundAsync(dispute, amount, "amount_minor", reason.Length > 0 ? reason : $"dispute {dispute.Id} accepted", "accept", cancellationToken);
        return await ChangeAsync(actor, id, (d, now) =>
        {
            if (!d.RefundIds.Contains(refundId))
            {
                d.RefundIds.Add(refundId);
            }
            if (d.Closed)
            {
                return null;
            }
            d.State = DisputeState.Accepted;
            Handled(d);
            d.Record(DisputeEventTypes.Accepted, actor.Actor, $"refund {refundId} of {DisputeScreening.Format(amount, d.Currency)}", now);
            return null;
        }, null, cancellationToken);
    }

    /// <summary>Records an arbitration's decision (operators only) and carries it out: a refund, a payout, or nothing.</summary>
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
        if (dispute.State != DisputeState.Escalated)
        {
            throw StateForbids(dispute, "decided by arbitration before it is escalated");
        }
        if (amountMinor > dispute.AmountMinor)
        {
            throw new PaymentException(ErrorCatalogue.DisputeAmountExceeded, $"{DisputeScreening.Format(amountMinor, dispute.Currency)} is more than the disputed "
                + DisputeScreening.Format(dispute.AmountMinor, dispute.Currency), [new FieldViolation("amount_minor", $"must be at most {dispute.AmountMinor}")]);
        }
        string? refundId = null;
        if (outcome == ArbitrationOutcome.Refund)
        {
            refundId = await RefundAsync(dispute, amountMinor, "amount_minor", $"dispute {dispute.Id}: arbitration", "arbitration", cancellationToken);
        }
        var now = clock.GetUtcNow();
        var payout = outcome == ArbitrationOutcome.Compensation
            ? new DisputePayout(DisputeIds.NewPayoutId(), dispute.Id, dispute.MerchantId, payee, amountMinor, dispute.Currency, now)
            : null;
        return await ChangeAsync(actor, id, (d, time) =>
        {
            if (refundId is not null && !d.RefundIds.Contains(refundId))
            {
                d.RefundIds.Add(refundId);
            }
            if (d.Closed)
            {
                return null;
            }
            d.Arbitration = new ArbitrationDecision(outcome, named, amountMinor, note, actor.Actor, time, refundId, payout?.Id);
            if (payout is not null)
            {
                d.PayoutIds.Add(payout.Id);
            }
            d.State = DisputeState.Arbitrated;
            d.Level = DisputeLevel.Arbitration;
            var what = outcome switch
            {
                ArbitrationOutcome.Refund => $"refund {refundId} of {DisputeScreening.Format(amountMinor, d.Currency)}",
                ArbitrationOutcome.Compensation => $"compensation {payout!.Id} of {DisputeScreening.Format(amountMinor, d.Currency)} to {payee}",
                _ => "rejected",
            };
            d.Record(DisputeEventTypes.Arbitrated, actor.Actor, $"{what}; parties {string.Join(", ", named)}: {note}", time);
            return null;
        }, payout, cancellationToken);
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

    private async Task<string> RefundAsync(Dispute dispute, long amount, string field, string reason, string purpose, CancellationToken cancellationToken)
    {
        if (amount > dispute.AmountMinor)
        {
            throw new PaymentException(ErrorCatalogue.DisputeAmountExceeded, $"{DisputeScreening.Format(amount, dispute.Currency)} is more than the disputed "
                + DisputeScreening.Format(dispute.AmountMinor, dispute.Currency), [new FieldViolation(field, $"must be at most {dispute.AmountMinor}")]);
        }
        var payment = await lifecycle.GetAsync(dispute.MerchantId, dispute.PaymentId, cancellationToken);
        var left = payment.AmountMinor - payment.Refunds.Where(r => r.State != RefundState.Failed).Sum(r => r.AmountMinor);
        if (amount > left)
        {
            throw new PaymentException(ErrorCatalogue.DisputeAmountExceeded, $"only {DisputeScreening.Format(left, dispute.Currency)} of payment {payment.Id} is left to refund",
                [new FieldViolation(field, $"must be at most {left}, what is left to refund")]);
        }
        var requestId = $"{dispute.Id}/{purpose}/{dispute.Version}";
        var (_, refund) = await lifecycle.RefundAsync(dispute.MerchantId, dispute.PaymentId, amount, reason, requestId, null, cancellationToken);
        if (refund.State == RefundState.Failed)
        {
            await ChangeAsync(DisputeActor.Gateway, dispute.Id, (d, now) =>
            {
                d.Record(DisputeEventTypes.RefundFailed, DisputeActor.Gateway.Actor, $"refund {refund.Id} failed: {refund.Error?.Code} {refund.Error?.Message}", now);
                return null;
            }, null, cancellationToken);
            throw new PaymentException(ErrorCatalogue.DisputeRefundFailed, $"refund {refund.Id} for dispute {dispute.Id} failed: {refund.Error?.Message}",
                metadata: new Dictionary<string, string> { ["refund_id"] = refund.Id, ["dispute_id"] = dispute.Id });
        }
        return refund.Id;
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
