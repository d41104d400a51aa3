using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>One line of a consolidated bill: a payment collected, or a refund of it (a negative amount).</summary>
/// <param name="IsRefund">Whether the line is a refund.</param>
/// <param name="PaymentId">The payment.</param>
/// <param name="RefundId">The refund (refund lines only).</param>
/// <param name="Time">When the payment was created, or the refund requested.</param>
/// <param name="Project">The payment's <c>customer.project</c>, or empty.</param>
/// <param name="DepartmentCode">The sub-account's department code, or empty.</param>
/// <param name="Account">The sub-account, or empty.</param>
/// <param name="Channel">The channel that collected the payment.</param>
/// <param name="AmountMinor">In the payment's currency; negative for a refund.</param>
/// <param name="Currency">The payment's currency.</param>
/// <param name="Conversion">What the channel settled in its own currency, when it converted; null otherwise.</param>
/// <param name="Description">The payment's description.</param>
public sealed record BillLine(bool IsRefund, string PaymentId, string? RefundId, DateTimeOffset Time, string Project, string DepartmentCode, string Account,
    string Channel, long AmountMinor, string Currency, BillLineConversion? Conversion, string Description)
{
    /// <summary>
    /// The lines of one payment: none unless it succeeded, else the payment and each confirmed refund. A converted refund's
    /// settled amount is the one the refund recorded, or (for a refund recorded without it) the payment's rate applied to it.
    /// </summary>
    public static IEnumerable<BillLine> Of(Payment payment)
    {
        if (payment.State != PaymentState.Succeeded || payment.PaidAttempt is not { } paid)
        {
            yield break;
        }
        var project = payment.Customer.Project ?? "";
        var department = payment.Group?.DepartmentCode ?? "";
        var account = payment.Group?.AccountId ?? payment.Customer.Account ?? "";
        var conversion = paid.Conversion;
        yield return new BillLine(false, payment.Id, null, payment.CreateTime, project, department, account, paid.Channel, payment.AmountMinor, payment.Currency,
            conversion is null ? null : new BillLineConversion(conversion.SettlementAmountMinor, conversion.SettlementCurrency, conversion.Rate, conversion.QuoteId),
            payment.Description);
        foreach (var refund in payment.Refunds.Where(r => r.State == RefundState.Succeeded))
        {
            BillLineConversion? refundConversion = null;
            if (conversion is not null)
            {
                var settled = refund.SettlementAmountMinor
                    ?? (refund.AmountMinor == payment.AmountMinor ? conversion.SettlementAmountMinor : conversion.SettlementAmountMinor * refund.AmountMinor / payment.AmountMinor);
                refundConversion = new BillLineConversion(-settled, conversion.SettlementCurrency, conversion.Rate, conversion.QuoteId);
            }
            yield return new BillLine(true, payment.Id, refund.Id, refund.CreateTime, project, department, account, refund.Channel, -refund.AmountMinor, payment.Currency,
                refundConversion, payment.Description);
        }
    }
}

/// <summary>The conversion on a bill line.</summary>
/// <param name="SettlementAmountMinor">What the channel collected or gave back in its currency (negative for a refund).</param>
/// <param name="SettlementCurrency">The channel's currency.</param>
/// <param name="Rate">Units of the settlement currency per unit of the payment's.</param>
/// <param name="QuoteId">The quote the rate came from.</param>
public sealed record BillLineConversion(long SettlementAmountMinor, string SettlementCurrency, decimal Rate, string QuoteId);
