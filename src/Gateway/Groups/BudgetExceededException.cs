using System.Globalization;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>
/// Thrown by a payment store when a new payment booked to a sub-account would take it over its budget for the period; the
/// payment's unit of work is rolled back, so nothing of it is written.
/// </summary>
public sealed class BudgetExceededException(string accountId, string period, string currency, long budgetMinor, long usedMinor, long amountMinor)
    : Exception($"sub-account {accountId} has {Math.Max(0, budgetMinor - usedMinor)} of its {budgetMinor} {currency} minor units left for {period}; the payment needs {amountMinor}")
{
    /// <summary>The refusal the caller hears: <c>PM-3101</c>, with the figures.</summary>
    public PaymentException ToPaymentException() =>
        new(ErrorCatalogue.OverBudget, Message, metadata: new Dictionary<string, string>
        {
            ["account_id"] = accountId,
            ["period"] = period,
            ["budget_minor"] = budgetMinor.ToString(CultureInfo.InvariantCulture),
            ["used_minor"] = usedMinor.ToString(CultureInfo.InvariantCulture),
        });
}
