namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// A channel whose confirmations are bank documents listing many credits rather than one notification per order: the
/// gateway matches each credit to a payment itself. (<see cref="Contract.IPaymentChannel.ParseNotification"/> takes one
/// order per notification, which a camt.054 with several entries does not fit.)
/// </summary>
public interface IStatementChannel
{
    /// <summary>Verifies (signature first) and reads a pushed camt.054; throws <see cref="Contract.NotificationRejectedException"/> when it is forged or malformed.</summary>
    BankStatement ParseStatement(IReadOnlyDictionary<string, string> headers, string body);

    /// <summary>Pulls the end-of-day camt.053 statement of <paramref name="date"/>.</summary>
    Task<BankStatement> FetchStatementAsync(DateOnly date, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a booked credit back to whoever paid it (a credit held for review that belongs to no payment). Resending the
    /// same <paramref name="returnReference"/> never returns twice.
    /// </summary>
    Task<Contract.ChannelResult> ReturnCreditAsync(string entryReference, Money.Money amount, string returnReference, CancellationToken cancellationToken);
}
