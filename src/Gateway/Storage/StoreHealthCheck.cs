using Microsoft.Extensions.Diagnostics.HealthChecks;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>Reports the gateway unhealthy (gRPC health NOT_SERVING) when its store cannot be read.</summary>
public sealed class StoreHealthCheck(IPaymentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListAsync(null, null, 1, cancellationToken);
            return HealthCheckResult.Healthy("the payment store answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the payment store cannot be read", ex);
        }
    }
}
