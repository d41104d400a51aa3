namespace Paygate.Gateway.Evidence;

/// <summary>The evidence chain's settings (section <c>Evidence</c>).</summary>
public sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>How often the chain's head is published (stored and logged) when it moved.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMinutes(1);
}
