using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Reconciliation;

/// <summary>
/// Matches the credits of a bank document to payments by the reference the payer quoted. An exact match (the payment's
/// open attempt, the same currency and amount) makes the payment SUCCEEDED. Everything else is held for review with the
/// reason, never matched silently and never lost: no or an unknown reference, an under- or over-payment, a second
/// payment of a paid payment, a credit after the payment ended, an entry reported again with other content. The payment
/// concerned, if any, is flagged (event <c>payment.credit_held</c>). An entry reported again as it was (the day's
/// camt.053 repeating a camt.054) changes nothing. An entry the reader could not read whole (no amount, no currency) and
/// one in a currency the gateway does not collect are held too. A reversal (the bank took a credit back) names its
/// original by reference and amount: a reversed credit that paid a payment flags the payment (<c>payment.reversed</c>) and
/// the reversal is held for review; a reversed held credit is marked reversed (nothing is left to return).
/// </summary>
public sealed class BankReconciliation(IBankCreditStore credits, IPaymentStore payments, PaymentLifecycle lifecycle, ChannelRegistry channels, ISharedLocks locks,
    TimeProvider clock, ILogger<BankReconciliation> logger)
{
    /// <summary>
    /// Sends a held credit back to whoever paid it, in full: the bank keys the return by <c>RT</c> + the entry reference, so
    /// asking again never returns twice. An outcome the bank leaves unknown keeps the credit held; ask again.
    /// <paramref name="actor"/> (the operator's key) is recorded in the audit log.
    /// </summary>
    public async Task<BankCreditRecord> ReturnAsync(string actor, string channel, string accountServicerReference, CancellationToken cancellationToken)
    {
        var credit = await credits.FindAsync(channel, accountServicerReference, cancellationToken)
            ?? throw new PaymentException(ErrorCatalogue.HeldCreditNotFound, $"no {channel} credit has entry reference {accountServicerReference}",
                metadata: new Dictionary<string, string> { ["channel"] = channel, ["account_servicer_ref"] = accountServicerReference });
        if (credit.State == BankCreditState.Returned)
        {
            return credit;
        }
        if (credit.IsReversal)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"entry {accountServicerReference} is a reversal (money the bank took back): there is nothing to return");
        }
        if (credit.State != BankCreditState.Held)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"credit {accountServicerReference} is {credit.State.ToString().ToUpperInvariant()}, not held: refund its payment instead");
        }
        if (channels.Find(channel) is not IStatementChannel bank || !BankCurrency.TryFind(credit.Currency, out var currency))
        {
            throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment, $"channel {channel} cannot return credits");
        }
        var result = await bank.ReturnCreditAsync(accountServicerReference, new Money(credit.AmountMinor, currency), "RT" + accountServicerReference, cancellationToken);
        switch (result.Outcome)
        {
            case ChannelOutcome.Succeeded:
                var reason = credit.Reason + "; returned to the payer";
                await credits.SettleAsync(channel, accountServicerReference, BankCreditState.Returned, credit.PaymentId, reason,
                    AuditEntry.New(clock.GetUtcNow(), actor, AuditActions.HeldCreditReturned, $"{channel}/{accountServicerReference}", null,
                        $"amount={credit.AmountMinor} {credit.Currency}"), cancellationToken);
                logger.LogInformation("{Channel} entry {Ref} of {Amount} {Currency} returned to the payer", channel, accountServicerReference, credit.AmountMinor, credit.Currency);
                return credit with { State = BankCreditState.Returned, Reason = reason };
            case ChannelOutcome.Failed or ChannelOutcome.Declined:
                throw new PaymentException(result.Error ?? ErrorCatalogue.ChannelBusinessFailure, $"the bank refused to return entry {accountServicerReference}: {result.NativeCode} {result.NativeMessage}",
                    metadata: new Dictionary<string, string> { ["channel"] = channel, ["native_code"] = result.NativeCode });
            default:
                throw new PaymentException(ErrorCatalogue.OutcomeUnknown, $"the bank did not say whether entry {accountServicerReference} was returned; ask again",
                    metadata: new Dictionary<string, string> { ["channel"] = channel, ["native_code"] = result.NativeCode });
        }
    }

    public async Task<IReadOnlyList<BankCreditRecord>> ApplyAsync(string channel, BankStatement statement, CancellationToken cancellationToken)
    {
        var outcomes = new List<BankCreditRecord>();
        foreach (var credit in statement.Credits)
        {
            // One entry at a time: the camt.054 and the camt.053 reporting it may arrive together.
            await using var held = await locks.AcquireAsync($"credit:{channel}:{credit.AccountServicerReference}", cancellationToken);
            var earlier = await credits.AddOrGetAsync(channel, credit, statement.Kind, clock.GetUtcNow(), cancellationToken);
            if (earlier is not null && earlier.State != BankCreditState.Received)
            {
                if (earlier.AmountMinor != SignedAmount(credit) || earlier.Currency != credit.Amount.Currency.Code || earlier.Reference != credit.Reference)
                {
                    logger.LogError("{Channel} entry {Ref} reported again with other content ({Kind} {Message}); held", channel, credit.AccountServicerReference, statement.Kind, statement.MessageId);
                    var copy = credit with { AccountServicerReference = $"{credit.AccountServicerReference}#{statement.MessageId}" };
                    await credits.AddOrGetAsync(channel, copy, statement.Kind, clock.GetUtcNow(), cancellationToken);
                    outcomes.Add(await HoldAsync(channel, copy, statement.Kind,
                        earlier.PaymentId, $"entry {credit.AccountServicerReference} was reported again with other content ({credit.Amount}, reference {credit.Reference ?? "none"}); compare with the bank", cancellationToken));
                }
                continue;
            }
            outcomes.Add(credit switch
            {
                { Problem: { } problem } => await HoldAsync(channel, credit, statement.Kind, null,
                    $"the {(credit.IsReversal ? "reversal" : "entry")} cannot be read whole: {problem}", cancellationToken),
                { IsReversal: true } => await ReverseAsync(channel, credit, statement.Kind, cancellationToken),
                _ => await MatchAsync(channel, credit, statement.Kind, cancellationToken),
            });
        }
        return outcomes;
    }

    private static long SignedAmount(BankCredit credit) => credit.IsReversal ? -credit.Amount.AmountMinor : credit.Amount.AmountMinor;

    /// <summary>
    /// The bank took back an earlier credit. Its original is the credit quoting the same reference with the same amount:
    /// if it paid a payment, the payment is flagged reversed and the reversal held for an operator (the merchant must act:
    /// the money is gone); if it was held, it is marked reversed (there is nothing left to return). A reversal of no credit
    /// the gateway knows is held, and so is one that could name either of two credits (the bank must say which).
    /// </summary>
    private async Task<BankCreditRecord> ReverseAsync(string channel, BankCredit reversal, string source, CancellationToken cancellationToken)
    {
        var id = reversal.AccountServicerReference;
        var candidates = reversal.Reference is null ? []
            : await credits.FindReversibleAsync(channel, reversal.Reference, reversal.Amount.AmountMinor, reversal.Amount.Currency.Code, 2, cancellationToken);
        if (candidates.Count != 1)
        {
            var which = candidates.Count == 0 ? "names no credit the gateway holds or matched"
                : $"could reverse any of entries {string.Join(", ", candidates.Select(c => c.AccountServicerReference))}; nothing was changed";
            return await HoldAsync(channel, reversal, source, null, $"reversal of {reversal.Amount} (reference {reversal.Reference ?? "none"}) {which}; compare with the bank", cancellationToken);
        }
        var original = candidates[0];
        await using var held = await locks.AcquireAsync($"credit:{channel}:{original.AccountServicerReference}", cancellationToken);
        if (original.State == BankCreditState.Matched && original.PaymentId is { } paymentId)
        {
            // The flag first: it happens once however often this is replayed, and the reversal stays unsettled until both are written.
            await lifecycle.FlagReversedAsync(paymentId);
            var reason = $"reversal of entry {original.AccountServicerReference}, which paid payment {paymentId}: the bank took {reversal.Amount} back; the payment is flagged reversed and the merchant must collect again";
            await credits.SettleReversalAsync(channel, original.AccountServicerReference, $"{original.Reason}; reversed by entry {id}", id, BankCreditState.Held, paymentId, reason, cancellationToken);
            logger.LogWarning("{Channel} entry {Ref} reverses entry {Original} of payment {PaymentId}; held for review", channel, id, original.AccountServicerReference, paymentId);
            return Record(channel, reversal, source, paymentId, BankCreditState.Held, reason);
        }
        var note = $"reverses held entry {original.AccountServicerReference}: nothing is left to return";
        await credits.SettleReversalAsync(channel, original.AccountServicerReference, $"{original.Reason}; reversed by entry {id}: the bank took it back, nothing to return", id,
            BankCreditState.Matched, original.PaymentId, note, cancellationToken);
        logger.LogInformation("{Channel} entry {Ref} reverses held entry {Original}", channel, id, original.AccountServicerReference);
        return Record(channel, reversal, source, original.PaymentId, BankCreditState.Matched, note);
    }

    private async Task<BankCreditRecord> MatchAsync(string channel, BankCredit credit, string source, CancellationToken cancellationToken)
    {
        if (credit.Reference is null)
        {
            return await HoldAsync(channel, credit, source, null, "no payment reference quoted", cancellationToken);
        }
        var payment = await payments.FindByAttemptReferenceAsync(channel, credit.Reference, cancellationToken);
        if (!BankCurrency.IsCollected(credit.Amount.Currency))
        {
            return await HoldAsync(channel, credit, source, payment?.Id, $"currency: {credit.Amount.Currency.Code} is not a currency the gateway collects (received {credit.Amount})", cancellationToken);
        }
        if (payment is null)
        {
            return await HoldAsync(channel, credit, source, null, $"reference {credit.Reference} matches no payment", cancellationToken);
        }
        var attempt = payment.FindAttempt(channel, credit.Reference)!;
        var expected = attempt.SettlementAmount(payment);
        if (attempt.State == AttemptState.Succeeded && attempt.TransactionId == credit.AccountServicerReference)
        {
            // This very entry paid it (its outcome was applied, then the gateway stopped before recording the match).
            await credits.SettleAsync(channel, credit.AccountServicerReference, BankCreditState.Matched, payment.Id, $"matched to payment {payment.Id}", null, cancellationToken);
            return Record(channel, credit, source, payment.Id, BankCreditState.Matched, $"matched to payment {payment.Id}");
        }
        if (attempt.State == AttemptState.Succeeded || payment.State == PaymentState.Succeeded)
        {
            var first = await credits.MatchedForAsync(payment.Id, cancellationToken);
            return await HoldAsync(channel, credit, source, payment.Id,
                $"duplicate payment: payment {payment.Id} was already paid{(first is null ? "" : $" by entry {first.AccountServicerReference}")}; return this one", cancellationToken);
        }
        if (credit.Amount.Currency != expected.Currency)
        {
            return await HoldAsync(channel, credit, source, payment.Id, $"currency: received {credit.Amount}, expected {expected}", cancellationToken);
        }
        if (credit.Amount.AmountMinor != expected.AmountMinor)
        {
            var kind = credit.Amount.AmountMinor < expected.AmountMinor ? "under-payment" : "over-payment";
            return await HoldAsync(channel, credit, source, payment.Id, $"{kind}: received {credit.Amount}, expected {expected}", cancellationToken);
        }
        if (payment.State.IsFinal() || !attempt.State.IsOpen())
        {
            return await HoldAsync(channel, credit, source, payment.Id,
                $"payment {payment.Id} is {payment.State.ToString().ToUpperInvariant()} (its collection closed): the credit came too late; return it", cancellationToken);
        }
        var result = ChannelResult.Success("BOOK", $"credited by entry {credit.AccountServicerReference}", credit.AccountServicerReference, credit.Amount.AmountMinor);
        await lifecycle.ApplyChannelRecordAsync(payment.Id, channel, attempt.Reference, result);
        await credits.SettleAsync(channel, credit.AccountServicerReference, BankCreditState.Matched, payment.Id, $"matched to payment {payment.Id}", null, cancellationToken);
        logger.LogInformation("{Channel} entry {Ref} of {Amount} matched to payment {PaymentId}", channel, credit.AccountServicerReference, credit.Amount, payment.Id);
        return Record(channel, credit, source, payment.Id, BankCreditState.Matched, $"matched to payment {payment.Id}");
    }

    /// <summary>Holds a credit already recorded (<see cref="IBankCreditStore.AddOrGetAsync"/>) for review.</summary>
    private async Task<BankCreditRecord> HoldAsync(string channel, BankCredit credit, string source, string? paymentId, string reason, CancellationToken cancellationToken)
    {
        await credits.SettleAsync(channel, credit.AccountServicerReference, BankCreditState.Held, paymentId, reason, null, cancellationToken);
        if (paymentId is not null)
        {
            await lifecycle.FlagHeldCreditAsync(paymentId);
        }
        logger.LogWarning("{Channel} entry {Ref} of {Amount} held for review: {Reason}", channel, credit.AccountServicerReference, credit.Amount, reason);
        return Record(channel, credit, source, paymentId, BankCreditState.Held, reason);
    }

    private BankCreditRecord Record(string channel, BankCredit credit, string source, string? paymentId, BankCreditState state, string reason) =>
        new(channel, credit.AccountServicerReference, SignedAmount(credit), credit.Amount.Currency.Code, credit.Reference, paymentId, state, reason,
            credit.BookingDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "", credit.DebtorName, credit.DebtorAccount, source, clock.GetUtcNow());
}
