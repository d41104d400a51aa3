namespace Paygate.Gateway.Payments;

/// <summary>
/// A background job that runs on a schedule in one gateway instance at a time: each run first takes or renews the job's
/// lease (<see cref="IWorkerLeases"/>), an instance that does not hold it skips the run, and a graceful stop gives the lease
/// up so another instance need not wait for it to lapse. A failed run is logged and tried again at the next tick.
/// </summary>
public abstract class LeasedWorker(IWorkerLeases leases, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected ILogger Logger { get; } = logger;

    protected TimeProvider Clock { get; } = clock;

    /// <summary>The job's name in the leases table.</summary>
    protected abstract string LeaseName { get; }

    /// <summary>Time between runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>How long a lease lasts unrenewed: after it, another instance takes the job over.</summary>
    protected virtual TimeSpan Lease => Interval * 2;

    /// <summary>Whether the first run is at start (else after one interval).</summary>
    protected virtual bool RunsAtStart => false;

    /// <summary>Whether this instance has anything to do at all (the statement pull without a bank channel has not).</summary>
    protected virtual bool HasWork => true;

    /// <summary>
    /// One run, while this instance holds the lease. A long run calls <paramref name="stillHolding"/> between its pieces of work,
    /// which renews the lease and says false once another instance has taken it over (the run then stops).
    /// </summary>
    protected abstract Task RunAsync(Func<CancellationToken, Task<bool>> stillHolding, CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!HasWork)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, Clock);
        try
        {
            if (RunsAtStart)
            {
                await RunIfHoldingAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunIfHoldingAsync(stoppingToken);
            }
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    private async Task RunIfHoldingAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await HoldAsync(stoppingToken))
            {
                await RunAsync(HoldAsync, stoppingToken);
            }
        }
        catch (StoreUnavailableException ex)
        {
            Logger.LogWarning("The {Worker} run was skipped: {Error}; trying again at the next tick", LeaseName, ex.Message);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Also a timeout inside the run (an OperationCanceledException not of the stop): it must not end the worker.
            Logger.LogError(ex, "The {Worker} run failed; trying again at the next tick", LeaseName);
        }
    }

    private Task<bool> HoldAsync(CancellationToken cancellationToken) => leases.TryHoldAsync(LeaseName, Lease, cancellationToken);

    /// <summary>Gives the lease up at a graceful stop; a store that cannot be reached then just lets it lapse.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            await leases.ReleaseAsync(LeaseName, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Logger.LogWarning("The {Worker} lease was not given up ({Error}); it lapses by itself", LeaseName, ex.Message);
        }
    }
}
