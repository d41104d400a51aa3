using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;

namespace Paygate.Gateway.Fx;

/// <summary>
/// In which currency a channel would settle a payment: its own currency when the channel takes it, else (FX on) the
/// first currency of the channel, in the order USD, EUR, CNY, then the rest, into which a quote converts the amount
/// within the channel's limits.
/// </summary>
public static class FxSettlement
{
    public static (FxQuote? Quote, string? Refusal) For(ChannelCapabilities capabilities, Money amount, FxRates? fx)
    {
        var refusal = capabilities.RefusalFor(amount);
        if (refusal is null || capabilities.Currencies.ContainsKey(amount.Currency))
        {
            return (null, refusal);
        }
        if (fx is not { Enabled: true })
        {
            return (null, refusal);
        }
        string? why = null;
        foreach (var currency in capabilities.Currencies.Keys.OrderBy(BaseRank).ThenBy(c => c.Code, StringComparer.Ordinal))
        {
            var (quote, problem) = fx.Quote(amount, currency);
            if (quote is null)
            {
                why ??= problem;
                continue;
            }
            if (capabilities.RefusalFor(quote.To) is { } limit)
            {
                why ??= $"{quote.To} after FX: {limit}";
                continue;
            }
            return (quote, null);
        }
        return (null, $"{refusal}, and no FX conversion fits ({why})");
    }

    /// <summary>USD, EUR, CNY first (the bases, in that order), then the rest.</summary>
    private static int BaseRank(Currency currency) => FxRateTable.Bases.Contains(currency) ? FxRateTable.Bases.TakeWhile(b => b != currency).Count() : FxRateTable.Bases.Count;
}
