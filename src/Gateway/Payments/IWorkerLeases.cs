namespace Paygate.Gateway.Payments;

/// <summary>
/// Which gateway instance runs a worker whose job must run in one place at a time (recovery and expiry, the statement pull,
/// retention). A lease lasts a while and its holder renews it at each run; a lease its instance stopped renewing (it died)
/// is taken over once it lapses.
/// </summary>
public interface IWorkerLeases
{
    /// <summary>This instance's name in the leases it holds.</summary>
    string Holder { get; }

    /// <summary>Takes or renews the lease of <paramref name="worker"/> for <paramref name="lease"/>; false while another instance holds it.</summary>
    Task<bool> TryHoldAsync(string worker, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if this instance holds it (a graceful stop: another instance need not wait for it to lapse).</summary>
    Task ReleaseAsync(string worker, CancellationToken cancellationToken);
}

/// <summary>
/// A lock every gateway instance on the store honours, held around work that reads, decides and writes in several steps
/// (reconciling one bank entry).
/// </summary>
public interface ISharedLocks
{
    Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Names of gateway instances in leases.</summary>
public static class InstanceName
{
    /// <summary>Host, process id and a random part (a restarted process is another instance): for the operator who reads the leases.</summary>
    public static string New() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}
