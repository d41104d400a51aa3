using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Admission control for the payment core: a bounded number of operations in flight, a bounded queue waiting within the
/// caller's deadline, and a refusal (PM-4501, RESOURCE_EXHAUSTED with a retry hint) before anything is written. The
/// gateway's own limits must never turn into a failed payment.
/// </summary>
public sealed class PaymentAdmission(IOptions<AdmissionOptions> options, TimeProvider clock) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxInFlight,
        QueueLimit = options.Value.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A slot, held until disposed; throws <see cref="PaymentException"/> (PM-4501) when none frees up in time.</summary>
    public async Task<IDisposable> EnterAsync(string operation, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var wait = options.Value.MaxWait;
        if (deadline is { } d && d - clock.GetUtcNow() < wait)
        {
            wait = d - clock.GetUtcNow();
        }
        var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired && wait > TimeSpan.Zero)
        {
            lease.Dispose();
            using var timeout = new CancellationTokenSource(wait, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                lease = await _limiter.AcquireAsync(1, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Refusal(operation, $"no slot freed up within {wait.TotalMilliseconds:F0} ms");
            }
        }
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Refusal(operation, "too many payment operations are waiting");
        }
        return lease;
    }

    private PaymentException Refusal(string operation, string why) =>
        new(ErrorCatalogue.GatewayOverloaded,
            $"the gateway is at its limit of {options.Value.MaxInFlight} payment operations in flight ({why}); nothing was done: retry the {operation} later",
            metadata: new Dictionary<string, string> { ["operation"] = operation, ["max_in_flight"] = options.Value.MaxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public void Dispose() => _limiter.Dispose();
}
