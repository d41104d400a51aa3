using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Groups;

/// <summary>What a payment's sub-account decided on its creation: the booking kept on it, and the approval it waits for, if any.</summary>
/// <param name="Group">The booking (group, sub-account, department code).</param>
/// <param name="Approval">The approval it needs (above the threshold), or null.</param>
public sealed record Booking(GroupBooking Group, PaymentApproval? Approval);

/// <summary>
/// The group side of creating a payment that names a sub-account (<c>customer.account</c>): the sub-account must be the merchant's,
/// the payment in its budget's currency (other currencies are refused, not converted: a budget is one currency's money), and
/// within the month's budget with what is in flight, which is held atomically before the payment is written. Above the
/// threshold, the payment waits for the sub-account's approvers.
/// </summary>
public sealed class GroupBookings(IGroupStore store)
{
    /// <summary>How long a hold whose payment was never written (a crash between the two writes) still counts.</summary>
    public static readonly TimeSpan UnwrittenHoldCounts = TimeSpan.FromMinutes(2);

    /// <summary>Books payment <paramref name="paymentId"/> to its sub-account; refused (nothing written) when unknown, another merchant's or over budget.</summary>
    public async Task<Booking> BookAsync(string merchantId, string paymentId, CreatePaymentCommand command, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var accountId = command.Customer.Account!;
        var account = await store.GetAccountAsync(accountId, cancellationToken);
        if (account is null || account.MerchantId != merchantId)
        {
            throw AccountNotFound(accountId);
        }
        if (command.Amount.Currency.Code != account.BudgetCurrency)
        {
            throw new PaymentException(ErrorCatalogue.BudgetCurrencyDiffers,
                $"sub-account {account.Id} budgets in {account.BudgetCurrency}; the payment is in {command.Amount.Currency.Code}",
                [new FieldViolation("currency", $"must be {account.BudgetCurrency}, the budget currency of sub-account {account.Id}")],
                new Dictionary<string, string> { ["account_id"] = account.Id, ["budget_currency"] = account.BudgetCurrency });
        }
        var approval = account.NeedsApproval(command.Amount.AmountMinor) ? new PaymentApproval(account.Id, ApprovalSteps.For(account)) : null;
        if (approval is not null && command.Card is not null)
        {
            throw new PaymentException(ErrorCatalogue.ApprovalNeedsNoCard,
                $"payment of {command.Amount} is above sub-account {account.Id}'s approval threshold and cannot wait for approval by card",
                metadata: new Dictionary<string, string> { ["account_id"] = account.Id });
        }
        // Every booked payment holds, even without a limit: what a sub-account used is then known when a budget is set later.
        var limit = account.BudgetMinor > 0 ? account.BudgetMinor : long.MaxValue;
        var hold = new BudgetHold(paymentId, account.Id, BudgetPeriod.Of(now), command.Amount.AmountMinor, now);
        if (await store.TryHoldAsync(hold, limit, now - UnwrittenHoldCounts, cancellationToken) is { } used)
        {
            throw new PaymentException(ErrorCatalogue.OverBudget,
                $"sub-account {account.Id} has {Math.Max(0, account.BudgetMinor - used)} of its {account.BudgetMinor} {account.BudgetCurrency} minor units left for {hold.Period}; the payment needs {hold.AmountMinor}",
                metadata: new Dictionary<string, string>
                {
                    ["account_id"] = account.Id,
                    ["period"] = hold.Period,
                    ["budget_minor"] = account.BudgetMinor.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["used_minor"] = used.ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
        }
        return new Booking(new GroupBooking(account.GroupId, account.Id, account.DepartmentCode), approval);
    }

    /// <summary>Lets go of the hold of a payment whose write failed.</summary>
    public Task ReleaseAsync(string paymentId) => store.ReleaseHoldAsync(paymentId, CancellationToken.None);

    /// <summary>
    /// A risk challenge of a payment that must wait for approval, made a block: the payer's code and the approvers cannot both be
    /// waited for, and a challenge must never be skipped.
    /// </summary>
    public static RiskAssessment ChallengeUnderApproval(RiskAssessment assessment) => assessment with
    {
        Outcome = RiskOutcome.Block,
        Hits = [.. assessment.Hits, new RiskRuleHit("approval.challenged", RiskOutcome.Block,
            "risk control asked for a challenge of a payment that must wait for approval", new Dictionary<string, string>())],
    };

    /// <summary>NOT_FOUND: no sub-account of the caller's has that id (another merchant's is not found alike).</summary>
    public static PaymentException AccountNotFound(string accountId) =>
        new(ErrorCatalogue.SubAccountNotFound, $"no sub-account has id {accountId}", [new FieldViolation("customer.account", "no such sub-account")],
            new Dictionary<string, string> { ["account_id"] = accountId });
}
