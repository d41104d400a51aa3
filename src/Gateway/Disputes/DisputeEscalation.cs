using Paygate.Adapters.Money;
using Paygate.Gateway.Fx;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// Level 3: when an unresolved dispute goes to arbitration. A disputed amount of <see cref="DisputeOptions.ArbitrationThresholdCnyMinor"/>
/// or more (500,000.00 CNY; another currency converted at the gateway's rates), or a dispute open
/// <see cref="DisputeOptions.EscalateAfter"/> (7 days). Without a rate for the currency the amount rule cannot say yes; the age rule still holds.
/// </summary>
public static class DisputeEscalation
{
    /// <summary>Why <paramref name="dispute"/> is to be escalated now, or null.</summary>
    public static string? Reason(Dispute dispute, DateTimeOffset now, DisputeOptions options, Func<Money, Money?> toCny)
    {
        if (dispute.State is not (DisputeState.Open or DisputeState.Contested))
        {
            return null;
        }
        var threshold = new Money(options.ArbitrationThresholdCnyMinor, Currency.CNY);
        if (Currency.TryFind(dispute.Currency, out var currency))
        {
            var amount = new Money(dispute.AmountMinor, currency);
            var inCny = currency == Currency.CNY ? amount : toCny(amount);
            if (inCny is { } cny && cny.AmountMinor >= threshold.AmountMinor)
            {
                return currency == Currency.CNY
                    ? $"the disputed amount {amount} is at least {threshold}"
                    : $"the disputed amount {amount} ({cny} at the gateway's rates) is at least {threshold}";
            }
        }
        var open = now - dispute.CreateTime;
        if (open >= options.EscalateAfter)
        {
            return $"open {Math.Floor(open.TotalDays):0} days (at least {options.EscalateAfter.TotalDays:0.#} days)";
        }
        return null;
    }

    /// <summary>The conversion to CNY at the gateway's rates, or null without a usable rate.</summary>
    public static Func<Money, Money?> ToCny(FxRates rates) => amount => rates.Quote(amount, Currency.CNY).Quote?.To;
}
