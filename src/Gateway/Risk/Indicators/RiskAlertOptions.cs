namespace Paygate.Gateway.Risk.Indicators;

/// <summary>The alert rules, bound from the list at <see cref="Section"/>; checked at start (<see cref="RiskAlertOptionsValidator"/>).</summary>
public sealed class RiskAlertOptions
{
    public const string Section = "Risk:Alerts";

    public List<RiskAlertRule> Rules { get; } = [];
}

/// <summary>How much the indicators hold (<c>Risk:Indicators</c>).</summary>
public sealed class RiskIndicatorOptions
{
    public const string Section = "Risk:Indicators";

    /// <summary>
    /// The most merchants counted at once (about 6 KB each); past it, the merchants idle longest are forgotten (their counts
    /// start again from nothing when they come back).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int MaxMerchants { get; set; } = 10_000;

    /// <summary>Whether the alert rules are asked at all (the indicators are counted either way); off for a test gateway that must not see alerts it did not ask for.</summary>
    public bool AlertsEnabled { get; set; } = true;

    /// <summary>Fired alerts waiting to be written; past it, alerts are dropped (logged and counted) rather than slow payments down.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1_000;
}
