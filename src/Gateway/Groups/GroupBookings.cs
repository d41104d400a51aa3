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
/// and the payment in its budget's currency (other currencies are refused, not converted: a budget is one currency's money).
/// Above the threshold, the payment waits for the sub-account's approvers. The budget itself is held by the payment store, in
/// the payment's own write (<see cref="BudgetHold"/>).
/// </summary>
public sealed class GroupBookings(IGroupStore store)
{
    /// <summary>Books a new payment to its sub-account; refused (nothing written) when unknown, another merchant's, in another currency, or a card payment needing approval.</summary>
    public async Task<Booking> BookAsync(string merchantId, CreatePaymentCommand command, CancellationToken cancellationToken)
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
        return new Booking(new GroupBooking(account.GroupId, account.Id, account.DepartmentCode), approval);
    }

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
