using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Disputes;

/// <summary>Dispute handling (section <c>Disputes</c>): the screening's thresholds, due times, escalation rules, evidence limits.</summary>
public sealed class DisputeOptions
{
    public const string Section = "Disputes";

    /// <summary>Whether successes are screened against their customer's history (level 1). Card disputes are handled either way.</summary>
    public bool ScreeningEnabled { get; set; } = true;

    /// <summary>Only successes this recent are screened (the check is "within the first 15 minutes" of a payment).</summary>
    public TimeSpan ScreeningWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An amount this far (a fraction) from the customer's usual amount is a deviation: 0.20 is 20%.</summary>
    [Range(0.01, 10.0)]
    public double AmountDeviation { get; set; } = 0.20;

    /// <summary>How many earlier successes a customer needs before a payment is compared with them (fewer: no usual to deviate from).</summary>
    [Range(1, 1000)]
    public int MinimumHistory { get; set; } = 3;

    /// <summary>How many of a customer's latest successes make the history.</summary>
    [Range(1, 10_000)]
    public int HistorySize { get; set; } = 50;

    /// <summary>Time to respond to an ordinary dispute.</summary>
    public TimeSpan OrdinaryDue { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Time to respond to a complex one (a card chargeback or pre-arbitration).</summary>
    public TimeSpan ComplexDue { get; set; } = TimeSpan.FromHours(72);

    /// <summary>An unresolved dispute open this long goes to arbitration.</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A dispute of this many CNY minor units or more (or the equivalent at the gateway's rates) goes to arbitration: 500,000.00 CNY.</summary>
    [Range(1, long.MaxValue)]
    public long ArbitrationThresholdCnyMinor { get; set; } = 50_000_000;

    /// <summary>The largest piece of evidence, in bytes.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxEvidenceBytes { get; set; } = 1024 * 1024;

    /// <summary>The most pieces of evidence one dispute holds.</summary>
    [Range(1, 1000)]
    public int MaxEvidenceItems { get; set; } = 20;

    /// <summary>How often the worker looks for due breaches, disputes to escalate, unpublished changes and unscreened successes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
