using System.Globalization;
using System.Text.Json;
using Paygate.Adapters.Money;

namespace Paygate.Gateway.Fx;

/// <summary>
/// Exchange rates quoted against three base currencies, CNY, USD and EUR: for each base, how many units of every other
/// currency one unit of the base buys. A pair with a base on either side is read directly (or inverted); any other
/// pair crosses through USD, then EUR, then CNY. Rates are decimals (exact base-10), never floating point.
/// </summary>
public sealed class FxRateTable
{
    public static readonly IReadOnlyList<Currency> Bases = [Currency.USD, Currency.EUR, Currency.CNY];
    private readonly Dictionary<(string Base, string Quote), decimal> _rates;

    private FxRateTable(Dictionary<(string, string), decimal> rates, DateTimeOffset asOf)
    {
        _rates = rates;
        AsOf = asOf;
    }

    /// <summary>When the source says the rates were taken.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>
    /// Reads <c>{"as_of": "...", "rates": {"USD": {"CNY": "7.1035", ...}, "EUR": {...}, "CNY": {...}}}</c>: rates as decimal
    /// strings. Throws <see cref="FormatException"/> naming what is wrong; a table missing a base is refused whole.
    /// </summary>
    public static FxRateTable Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("as_of", out var asOfText) || !DateTimeOffset.TryParse(asOfText.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var asOf))
        {
            throw new FormatException("as_of missing or not a timestamp");
        }
        if (!root.TryGetProperty("rates", out var rates) || rates.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("rates missing");
        }
        var table = new Dictionary<(string, string), decimal>();
        foreach (var baseCurrency in Bases)
        {
            if (!rates.TryGetProperty(baseCurrency.Code, out var quotes) || quotes.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"no rates for base {baseCurrency.Code}");
            }
            foreach (var quote in quotes.EnumerateObject())
            {
                if (!Currency.TryFind(quote.Name, out _))
                {
                    continue; // a currency the gateway does not take
                }
                if (quote.Value.ValueKind != JsonValueKind.String
                    || !decimal.TryParse(quote.Value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
                {
                    throw new FormatException($"rate {baseCurrency.Code}/{quote.Name} is not a positive decimal string");
                }
                table[(baseCurrency.Code, quote.Name)] = rate;
            }
        }
        return new FxRateTable(table, asOf);
    }

    /// <summary>How many units of <paramref name="to"/> one unit of <paramref name="from"/> buys, or null when the table cannot say.</summary>
    public decimal? Rate(Currency from, Currency to)
    {
        if (from == to)
        {
            return 1m;
        }
        if (_rates.TryGetValue((from.Code, to.Code), out var direct))
        {
            return direct;
        }
        if (_rates.TryGetValue((to.Code, from.Code), out var inverse))
        {
            return Math.Round(1m / inverse, 10, MidpointRounding.AwayFromZero);
        }
        foreach (var via in Bases)
        {
            if (_rates.TryGetValue((via.Code, from.Code), out var viaFrom) && _rates.TryGetValue((via.Code, to.Code), out var viaTo))
            {
                return Math.Round(viaTo / viaFrom, 10, MidpointRounding.AwayFromZero);
            }
        }
        return null;
    }
}
