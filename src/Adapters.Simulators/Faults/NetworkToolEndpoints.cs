using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Paygate.Simulators.Faults;

/// <summary>What every simulated network offers a test or a drill besides its protocol: its ledger and its fault plan.</summary>
public static class NetworkToolEndpoints
{
    public static IEndpointRouteBuilder MapLedgerAndFaults<TEntry>(this IEndpointRouteBuilder app, string basePath, Func<IReadOnlyList<TEntry>> ledger, FaultInjector faults)
    {
        app.MapGet(basePath + "/ledger", () => Results.Ok(ledger()));
        app.MapPut(basePath + "/faults", (FaultPlan plan) =>
        {
            faults.Plan = plan;
            return Results.Ok(plan);
        });
        return app;
    }
}
