using Paygate.Adapters.BankTransfer;
using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Payments;

public enum BankCreditState
{
    Received = 0,
    Matched = 1,
    Held = 2,
    /// <summary>A held credit sent back to whoever paid it.</summary>
    Returned = 3,
    /// <summary>A credit the bank took back (a reversal entry named it): the money is gone, nothing is left to return.</summary>
    Reversed = 4,
}

/// <summary>
/// A credit as the gateway keeps it, with what became of it. A reversal entry is kept the same way with a negative
/// <see cref="AmountMinor"/>: the money the bank took back.
/// </summary>
public sealed record BankCreditRecord(string Channel, string AccountServicerReference, long AmountMinor, string Currency, string? Reference, string? PaymentId,
    BankCreditState State, string Reason, string BookingDate, string? DebtorName, string? DebtorAccount, string Source, DateTimeOffset FirstTime)
{
    public bool IsReversal => AmountMinor < 0;
}

/// <summary>Every credit reported by a bank, so that a re-reported entry (the camt.053 repeating a camt.054) is recognised and none is lost.</summary>
public interface IBankCreditStore
{
    /// <summary>Records a newly reported credit; returns the record already there when the entry was seen before.</summary>
    Task<BankCreditRecord?> AddOrGetAsync(string channel, BankCredit credit, string source, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records what became of a credit, with the audit entry of an operator's action (a return) in the same write.</summary>
    Task SettleAsync(string channel, string accountServicerReference, BankCreditState state, string? paymentId, string reason, AuditEntry? audit, CancellationToken cancellationToken);

    /// <summary>
    /// Records, in one write, that a reversal entry took back an earlier credit: the original becomes
    /// <see cref="BankCreditState.Reversed"/>, and the reversal entry gets its own state and reason.
    /// </summary>
    Task SettleReversalAsync(string channel, string originalReference, string originalReason, string reversalReference, BankCreditState reversalState,
        string? paymentId, string reversalReason, CancellationToken cancellationToken);

    Task<BankCreditRecord?> FindAsync(string channel, string accountServicerReference, CancellationToken cancellationToken);

    /// <summary>The credit already matched to a payment, if any.</summary>
    Task<BankCreditRecord?> MatchedForAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// The credits (not reversals) a reversal entry can name: quoting <paramref name="reference"/>, of that amount, matched
    /// or held; at most <paramref name="limit"/>, oldest first.
    /// </summary>
    Task<IReadOnlyList<BankCreditRecord>> FindReversibleAsync(string channel, string reference, long amountMinor, string currency, int limit, CancellationToken cancellationToken);

    /// <summary>Credits in a state, oldest first.</summary>
    Task<IReadOnlyList<BankCreditRecord>> InStateAsync(BankCreditState state, int limit, CancellationToken cancellationToken);
}
