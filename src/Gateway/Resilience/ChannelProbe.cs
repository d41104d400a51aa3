using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;

namespace Paygate.Gateway.Resilience;

/// <summary>
/// Closes circuits again when no payment comes to do it: Polly moves an open circuit to half-open only when a call arrives
/// after the break duration, and routing sends few payments to a channel that just failed. Every
/// <see cref="ResilienceOptions.ProbeInterval"/>, each channel whose circuit is open past its break is asked about an order
/// that does not exist, through its own pipeline; a proper answer closes the circuit, a fault opens it for another break.
/// </summary>
public sealed class ChannelProbe(
    IEnumerable<IPaymentChannel> channels,
    ChannelCalls calls,
    ChannelHealth health,
    IOptions<ResilienceOptions> options,
    TimeProvider clock,
    ILogger<ChannelProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ProbeDueAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Channel probe failed; trying again at the next tick");
            }
        }
    }

    /// <summary>Probes every channel whose circuit awaits a trial; returns how many were probed.</summary>
    public async Task<int> ProbeDueAsync()
    {
        var probed = 0;
        foreach (var channel in channels.Where(c => c.Capabilities.SupportsQuery && health.Snapshot(c.Id).TrialDue))
        {
            var result = await calls.ProbeAsync(channel);
            probed++;
            logger.LogInformation("Probed {Channel} after its circuit's break: {Outcome} ({Native}); circuit now {Circuit}",
                channel.Id, result.Outcome, result.NativeCode, health.Snapshot(channel.Id).Circuit);
        }
        return probed;
    }
}
