using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Paygate.Simulators.Settlement;

/// <summary>The control a test or drill has over a simulated network's settlement files: <c>PUT {base}/settlement/faults</c>.</summary>
public static class SettlementToolEndpoints
{
    public static IEndpointRouteBuilder MapSettlementFaults(this IEndpointRouteBuilder app, string basePath, SettlementFaults faults)
    {
        app.MapPut(basePath + "/settlement/faults", (SettlementFaultPlan plan) =>
        {
            faults.Plan = plan;
            return Results.Ok(plan);
        });
        return app;
    }
}
