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
}

/// <summary>A credit as the gateway keeps it, with what became of it.</summary>
public sealed record BankCreditRecord(string Channel, string AccountServicerReference, long AmountMinor, string Currency, string? Reference, string? PaymentId,
    BankCreditState State, string Reason, string BookingDate, string? DebtorName, string? DebtorAccount, string Source, DateTimeOffset FirstTime);

/// <summary>Every credit reported by a bank, so that a re-reported entry (the camt.053 repeating a camt.054) is recognised and none is lost.</summary>
public interface IBankCreditStore
{
    /// <summary>Records a newly reported credit; returns the record already there when the entry was seen before.</summary>
    Task<BankCreditRecord?> AddOrGetAsync(string channel, BankCredit credit, string source, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records what became of a credit, with the audit entry of an operator's action (a return) in the same write.</summary>
    Task SettleAsync(string channel, string accountServicerReference, BankCreditState state, string? paymentId, string reason, AuditEntry? audit, CancellationToken cancellationToken);

    Task<BankCreditRecord?> FindAsync(string channel, string accountServicerReference, CancellationToken cancellationToken);

    /// <summary>The credit already matched to a payment, if any.</summary>
    Task<BankCreditRecord?> MatchedForAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>Credits in a state, oldest first.</summary>
    Task<IReadOnlyList<BankCreditRecord>> InStateAsync(BankCreditState state, int limit, CancellationToken cancellationToken);
}
