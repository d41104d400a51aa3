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
/// camt.053 repeating a camt.054) changes nothing.
/// </summary>
public sealed class BankReconciliation(IBankCreditStore credits, IPaymentStore payments, PaymentLifecycle lifecycle, ChannelRegistry channels, KeyedLock locks,
    TimeProvider clock, ILogger<BankReconciliation> logger)
{
    /// <summary>
    /// Sends a held credit back to whoever paid it, in full: the bank keys the return by <c>RT</c> + the entry reference, so
    /// asking again never returns twice. An outcome the bank leaves unknown keeps the credit held; ask again.
    /// </summary>
    /// <summary>Sends a held credit back to whoever paid it; <paramref name="actor"/> (the operator's key) is recorded in the audit log.</summary>
    public async Task<BankCreditRecord> ReturnAsync(string actor, string channel, string accountServicerReference, CancellationToken cancellationToken)
    {
        var credit = await credits.FindAsync(channel, accountServicerReference, cancellationToken)
            ?? throw new PaymentException(ErrorCatalogue.HeldCreditNotFound, $"no {channel} credit has entry reference {accountServicerReference}",
                metadata: new Dictionary<string, string> { ["channel"] = channel, ["account_servicer_ref"] = accountServicerReference });
        if (credit.State == BankCreditState.Returned)
        {
            return credit;
        }
        if (credit.State != BankCreditState.Held)
        {
            throw new PaymentException(ErrorCatalogue.IllegalTransition, $"credit {accountServicerReference} is {credit.State.ToString().ToUpperInvariant()}, not held: refund its payment instead");
        }
        if (channels.Find(channel) is not IStatementChannel bank || !Currency.TryFind(credit.Currency, out var currency))
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
            using var held = await locks.AcquireAsync($"credit:{channel}:{credit.AccountServicerReference}", cancellationToken);
            var earlier = await credits.AddOrGetAsync(channel, credit, statement.Kind, clock.GetUtcNow(), cancellationToken);
            if (earlier is not null && earlier.State != BankCreditState.Received)
            {
                if (earlier.AmountMinor != credit.Amount.AmountMinor || earlier.Currency != credit.Amount.Currency.Code || earlier.Reference != credit.Reference)
                {
                    logger.LogError("{Channel} entry {Ref} reported again with other content ({Kind} {Message}); held", channel, credit.AccountServicerReference, statement.Kind, statement.MessageId);
                    var copy = credit with { AccountServicerReference = $"{credit.AccountServicerReference}#{statement.MessageId}" };
                    await credits.AddOrGetAsync(channel, copy, statement.Kind, clock.GetUtcNow(), cancellationToken);
                    outcomes.Add(await HoldAsync(channel, copy, statement.Kind,
                        earlier.PaymentId, $"entry {credit.AccountServicerReference} was reported again with other content ({credit.Amount}, reference {credit.Reference ?? "none"}); compare with the bank", cancellationToken));
                }
                continue;
            }
            outcomes.Add(await MatchAsync(channel, credit, statement.Kind, cancellationToken));
        }
        return outcomes;
    }

    private async Task<BankCreditRecord> MatchAsync(string channel, BankCredit credit, string source, CancellationToken cancellationToken)
    {
        if (credit.Reference is null)
        {
            return await HoldAsync(channel, credit, source, null, "no payment reference quoted", cancellationToken);
        }
        var payment = await payments.FindByAttemptReferenceAsync(channel, credit.Reference, cancellationToken);
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
        new(channel, credit.AccountServicerReference, credit.Amount.AmountMinor, credit.Amount.Currency.Code, credit.Reference, paymentId, state, reason,
            credit.BookingDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), credit.DebtorName, credit.DebtorAccount, source, clock.GetUtcNow());
}
