using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>
/// The budget hold of a payment booked to a sub-account: written by the payment store in the payment's own unit of work (one
/// row per payment: sub-account, period, amount), after checking, in the same unit and under a lock on the sub-account, that
/// what counts with it stays within the sub-account's budget (<see cref="BudgetExceededException"/> otherwise). Whether a hold
/// counts is read from its payment's state, so no second write can be forgotten: it counts while the payment is in flight,
/// waits for approval or has succeeded, and stops counting once the payment fails, is canceled or expires. A payment that counts
/// again by the gateway's own doing (a FAILED one paid again) is checked again the same way, in its update's write.
/// </summary>
public static class BudgetHold
{
    /// <summary>The payment states whose holds count against a budget.</summary>
    public static readonly PaymentState[] Counting = [PaymentState.Processing, PaymentState.RequiresAction, PaymentState.Succeeded, PaymentState.AwaitingApproval];

    /// <summary>
    /// SQL (parameters <c>{p}acc</c>, <c>{p}period</c>, <c>{p}pid</c>) for what counts against a sub-account's budget in a period
    /// besides payment <c>{p}pid</c> (the one being decided, which may count already in its own uncommitted write; <c>""</c>: none),
    /// with the store's parameter prefix <paramref name="p"/>.
    /// </summary>
    public static string UsedSql(string p) => $"""
        SELECT COALESCE(SUM(h.amount_minor), 0) FROM budget_holds h JOIN payments p ON p.id = h.payment_id
        WHERE h.account_id = {p}acc AND h.period = {p}period AND h.payment_id <> {p}pid AND p.state IN ({string.Join(", ", Counting.Select(s => (int)s))})
        """;

    /// <summary>Whether a new payment in <paramref name="state"/> must fit in its budget (a risk-blocked one, written FAILED, need not).</summary>
    public static bool MustFit(PaymentState state) => Counting.Contains(state);

    /// <summary>
    /// Whether a booked payment's change could make it count again (from FAILED, paid again or challenged on paying again), so that the
    /// store must read the state it had to decide (<see cref="MustFitAgain"/>). A success is not checked: the channel took the money,
    /// and it is recorded (and counts) whatever the budget says.
    /// </summary>
    public static bool MaySpendAgain(PaymentState next) => next != PaymentState.Succeeded && Counting.Contains(next);

    /// <summary>
    /// Whether a booked payment moving from <paramref name="stored"/> to <paramref name="next"/> must fit in its budget again, as a new
    /// one must: it did not count, and now it would (its hold, made on creation, is checked again in the same write).
    /// </summary>
    public static bool MustFitAgain(PaymentState stored, PaymentState next) => !Counting.Contains(stored) && MaySpendAgain(next);
}
