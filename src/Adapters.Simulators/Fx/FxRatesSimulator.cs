using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;

namespace Paygate.Simulators.Fx;

/// <summary>
/// A rates source: every currency against the bases CNY, USD and EUR, as decimal strings, under <c>/fx/v1/rates</c>.
/// Tests set rates and inject faults (<c>rates</c>) to see the gateway keep its last good table.
/// </summary>
public sealed class FxRatesSimulator(TimeProvider clock)
{
    public const string Path = "/fx/v1/rates";
    private readonly Lock _gate = new();

    // Units of each currency per one USD (mid rates of late 2026, for the sandbox).
    private readonly Dictionary<string, decimal> _perUsd = new(StringComparer.Ordinal)
    {
        ["USD"] = 1m,
        ["CNY"] = 7.1035m,
        ["EUR"] = 0.9210m,
        ["HKD"] = 7.7820m,
        ["JPY"] = 151.37m,
        ["GBP"] = 0.7895m,
        ["SGD"] = 1.3440m,
    };

    /// <summary>Sets how many units of <paramref name="currency"/> one USD buys; the CNY and EUR bases follow.</summary>
    public void SetPerUsd(string currency, decimal units)
    {
        lock (_gate)
        {
            _perUsd[currency] = units;
        }
    }

    public string Json()
    {
        lock (_gate)
        {
            var rates = new JsonObject();
            foreach (var baseCurrency in new[] { "CNY", "USD", "EUR" })
            {
                var quotes = new JsonObject();
                foreach (var (code, perUsd) in _perUsd.Where(r => r.Key != baseCurrency))
                {
                    quotes[code] = decimal.Round(perUsd / _perUsd[baseCurrency], 6, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture);
                }
                rates[baseCurrency] = quotes;
            }
            return new JsonObject { ["as_of"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ["rates"] = rates }.ToJsonString();
        }
    }
}

public static class FxRatesEndpoints
{
    public static IEndpointRouteBuilder MapFxRatesSimulator(this IEndpointRouteBuilder app, FxRatesSimulator rates, FaultInjector faults)
    {
        app.MapGet(FxRatesSimulator.Path, async (HttpContext context) =>
        {
            if (await FaultGate.EnterAsync(context, faults, "rates") is not { } fault)
            {
                return;
            }
            if (fault.Kind == FaultKind.NativeError)
            {
                context.Response.StatusCode = 500;
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(FaultGate.Deliver(rates.Json(), fault), Encoding.UTF8);
        });
        return app;
    }
}
