namespace Paygate.Cli.Drills.Ledger;

/// <summary>A payment as the ledger check sees it: its state and, per attempt, where its money would be.</summary>
/// <param name="Id">The payment's id.</param>
/// <param name="State">Its state as the gateway says now.</param>
/// <param name="Attempts">Its attempts, in order.</param>
public sealed record CheckedPayment(string Id, CheckedState State, IReadOnlyList<CheckedAttempt> Attempts);

/// <summary>One attempt: its channel and channel reference, and whether its outcome is still open (UNKNOWN or PENDING).</summary>
public sealed record CheckedAttempt(string Channel, string Reference, bool Open);

/// <summary>The payment states the check tells apart.</summary>
public enum CheckedState { Processing, RequiresAction, Succeeded, Failed, Canceled, Expired }

/// <summary>How much one attempt really moved on its network: charges and refunds.</summary>
public readonly record struct Money(int Charges, int Refunds);

/// <summary>
/// The money check after a drill or a soak, one set of rules for both (the soak compiles this file in): every acknowledged payment
/// is found again; a SUCCEEDED payment kept exactly one charge; a FAILED, CANCELED or EXPIRED one kept none; none kept more than one
/// (a second success must have been refunded); a PROCESSING one has an attempt whose outcome is still open. Payments in no final
/// state are counted as unresolved, which alone is not a violation.
/// </summary>
public static class LedgerCheck
{
    /// <param name="payments">Each acknowledged payment's id and what reading it back gave (null: the gateway no longer has it).</param>
    /// <param name="money">What one attempt (channel, reference) moved, from the networks' ledgers.</param>
    public static LedgerVerdict Check(IEnumerable<(string Id, CheckedPayment? Payment)> payments, Func<CheckedAttempt, Money> money)
    {
        var verdict = new LedgerVerdict();
        foreach (var (id, payment) in payments)
        {
            if (payment is null)
            {
                verdict.Lost.Add(id);
                continue;
            }
            var moved = payment.Attempts.Select(money).ToList();
            var (charges, refunds) = (moved.Sum(m => m.Charges), moved.Sum(m => m.Refunds));
            if (charges - refunds > 1)
            {
                verdict.ChargedTwice.Add($"{id} (charged {charges} times, refunded {refunds})");
            }
            else if (charges > 1)
            {
                verdict.SecondChargesRefunded++;
            }
            switch (payment.State)
            {
                case CheckedState.Succeeded when charges - refunds != 1:
                    verdict.Wrong.Add($"{id}: SUCCEEDED with {charges} charges and {refunds} refunds");
                    break;
                case CheckedState.Failed or CheckedState.Canceled or CheckedState.Expired when charges - refunds != 0:
                    verdict.Wrong.Add($"{id}: {payment.State.ToString().ToUpperInvariant()} but money kept ({charges} charges, {refunds} refunds)");
                    break;
                case CheckedState.Processing when payment.Attempts.Count == 0 || !payment.Attempts[^1].Open:
                    verdict.Wrong.Add($"{id}: PROCESSING without an unknown attempt");
                    break;
            }
            if (payment.State is CheckedState.Processing or CheckedState.RequiresAction)
            {
                verdict.Unresolved.Add(id);
            }
        }
        return verdict;
    }
}

/// <summary>What the ledger check found; <see cref="Violations"/> is what makes a drill (or the soak) fail.</summary>
public sealed class LedgerVerdict
{
    /// <summary>Acknowledged payments the gateway no longer has.</summary>
    public List<string> Lost { get; } = [];

    /// <summary>Payments that kept more than one charge.</summary>
    public List<string> ChargedTwice { get; } = [];

    /// <summary>Payments whose state and money disagree: SUCCEEDED without its charge, or final and unpaid with money kept, or PROCESSING with nothing open.</summary>
    public List<string> Wrong { get; } = [];

    /// <summary>Payments in no final state (PROCESSING or REQUIRES_ACTION) after the recovery wait.</summary>
    public List<string> Unresolved { get; } = [];

    /// <summary>Payments charged twice whose second charge was refunded, as the failover rule says.</summary>
    public int SecondChargesRefunded { get; set; }

    /// <summary>Every violation, one line each.</summary>
    public IEnumerable<string> Violations => Lost.Select(id => id + ": lost").Concat(ChargedTwice.Select(d => "charged twice: " + d)).Concat(Wrong);
}
