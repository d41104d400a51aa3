using System.Globalization;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// Level 1: a success compared with its customer's earlier successes at the same merchant. An amount more than
/// <see cref="DisputeOptions.AmountDeviation"/> off the customer's usual amount (the median of the earlier ones in the same
/// currency), a channel or a country the customer never used before: each is a deviation, with its numbers. A customer with
/// fewer than <see cref="DisputeOptions.MinimumHistory"/> earlier successes has no usual to deviate from.
/// </summary>
public static class DisputeScreening
{
    /// <summary>What of a success the screening keeps (its customer's history is made of these); null when the payment has no paid attempt.</summary>
    public static ScreenedPayment? Screened(Payment payment)
    {
        if (payment.PaidAttempt is not { } paid)
        {
            return null;
        }
        return new ScreenedPayment(payment.Id, payment.MerchantId, payment.Customer.Id ?? "", payment.AmountMinor, payment.Currency, paid.Channel,
            payment.Customer.Country, paid.UpdateTime);
    }

    /// <summary>The report when <paramref name="payment"/> deviates from <paramref name="history"/>; null when it does not (or there is too little history).</summary>
    public static DisputeReport? Check(ScreenedPayment payment, IReadOnlyList<ScreenedPayment> history, DisputeOptions options)
    {
        if (payment.CustomerId.Length == 0 || history.Count < options.MinimumHistory)
        {
            return null;
        }
        var deviations = new List<DisputeDeviation>();
        var sameCurrency = history.Where(h => h.Currency == payment.Currency).Select(h => h.AmountMinor).ToList();
        long usual = 0;
        if (sameCurrency.Count >= options.MinimumHistory)
        {
            usual = Median(sameCurrency);
            var off = (decimal)(payment.AmountMinor - usual) / usual;
            if (Math.Abs(off) > (decimal)options.AmountDeviation)
            {
                var percent = Math.Round(Math.Abs(off) * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture);
                deviations.Add(new DisputeDeviation("amount", payment.AmountMinor.ToString(CultureInfo.InvariantCulture), usual.ToString(CultureInfo.InvariantCulture), percent,
                    $"amount {Format(payment.AmountMinor, payment.Currency)} is {percent}% {(off > 0 ? "above" : "below")} the customer's usual "
                    + $"{Format(usual, payment.Currency)} (median of {sameCurrency.Count} earlier payments; more than {options.AmountDeviation * 100:0.#}% is a deviation)"));
            }
        }
        var channels = history.Select(h => h.Channel).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!channels.Contains(payment.Channel, StringComparer.Ordinal))
        {
            deviations.Add(new DisputeDeviation("channel", payment.Channel, string.Join(",", channels), null,
                $"channel {payment.Channel} was never used in the customer's {history.Count} earlier payments (used: {string.Join(", ", channels)})"));
        }
        var countries = history.Select(h => h.Country).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!countries.Contains(payment.Country, StringComparer.Ordinal))
        {
            deviations.Add(new DisputeDeviation("country", payment.Country, string.Join(",", countries), null,
                $"country {payment.Country} differs from every one of the customer's {history.Count} earlier payments (seen: {string.Join(", ", countries)})"));
        }
        if (deviations.Count == 0)
        {
            return null;
        }
        var summary = $"Payment {payment.PaymentId} of customer {payment.CustomerId} ({Format(payment.AmountMinor, payment.Currency)} by {payment.Channel} from {payment.Country}) "
            + $"deviates from the customer's history of {history.Count} payments: " + string.Join("; ", deviations.Select(d => d.Description)) + ".";
        return new DisputeReport(payment.CustomerId, history.Count, usual, deviations, summary);
    }

    private static long Median(List<long> amounts)
    {
        var sorted = amounts.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    internal static string Format(long amountMinor, string currency) =>
        Currency.TryFind(currency, out var c) ? new Money(amountMinor, c).ToString() : $"{amountMinor} {currency} (minor units)";
}
