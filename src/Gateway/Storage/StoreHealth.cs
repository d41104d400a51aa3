using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>
/// Whether the payment store answers, kept current in the background: gRPC health checks (load balancers ask many times a
/// second) read the last answer and never cost a query of their own. NOT_SERVING when the last probe failed.
/// </summary>
public sealed class StoreHealth(IPaymentStore store, TimeProvider clock, ILogger<StoreHealth> logger) : BackgroundService, IHealthCheck
{
    /// <summary>How often the store is probed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // The store was migrated and read before the host started; until the first probe that is what is known.
    private volatile StrongBox<HealthCheckResult> _last = new(HealthCheckResult.Healthy("the payment store answered at start"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(_last.Value);

    /// <summary>Reads one row from the store and keeps the outcome.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.ListAsync("", null, null, 1, cancellationToken);
            _last = new(HealthCheckResult.Healthy($"the payment store answered at {clock.GetUtcNow():O}"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (_last.Value.Status == HealthStatus.Healthy)
            {
                logger.LogError("The payment store cannot be read: {Error}", ex.Message);
            }
            _last = new(HealthCheckResult.Unhealthy("the payment store cannot be read", ex));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            await ProbeAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
