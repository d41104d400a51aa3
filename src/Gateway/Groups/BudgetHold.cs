namespace Paygate.Gateway.Groups;

/// <summary>
/// A payment's hold on its sub-account's budget for a period, taken before the payment is written. It counts while its payment
/// is in flight, waits for approval or has succeeded, and stops counting once the payment fails, is canceled or expires (the
/// store reads the payment's state, so no second write can be forgotten); a hold whose payment was never written counts only
/// for <see cref="GroupBookings.UnwrittenHoldCounts"/>.
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="AccountId">The sub-account.</param>
/// <param name="Period">The budget period (<see cref="BudgetPeriod"/>).</param>
/// <param name="AmountMinor">The payment's amount, in the budget's currency.</param>
/// <param name="CreateTime">When it was taken.</param>
public sealed record BudgetHold(string PaymentId, string AccountId, string Period, long AmountMinor, DateTimeOffset CreateTime);
