using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Payments;

/// <summary>
/// How much payment work the gateway takes on at once (section <c>Admission</c>): creates, retries and refunds hold a slot
/// from before anything is written until their channel calls are done.
/// </summary>
public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>Payment operations in flight at once. Keep it at most a channel's <c>MaxConcurrency + QueueLimit</c>.</summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 256;

    /// <summary>How many more may wait for a slot; past that they are refused at once (RESOURCE_EXHAUSTED, PM-4501).</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 1024;

    /// <summary>The longest one waits for a slot (never past the caller's deadline) before it is refused.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);
}
