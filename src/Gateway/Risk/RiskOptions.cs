using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Risk;

/// <summary>The risk engine's configuration (section <c>Risk</c>). The rules themselves are versioned in the store.</summary>
public sealed class RiskOptions
{
    public const string Section = "Risk";

    /// <summary>
    /// The rule set that becomes version 1 on a store that has none (a JSON file, docs/risk.md), relative to the gateway's
    /// folder. Read once, at the first start; later changes go through RiskService.UpdateRiskRules.
    /// </summary>
    public string RulesFile { get; set; } = "risk-rules.json";

    /// <summary>Where relative file names (the rules file, <c>ip_countries.file</c>, <c>sanctions.names_file</c>) are found; the gateway's folder by default.</summary>
    public string BaseDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>How often each instance looks for a newer rule set version in the store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many customers, devices and cards the velocity windows keep at most; beyond it the least recently seen are dropped
    /// (their counts start again), so memory stays bounded whatever the traffic.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int MaxTrackedKeys { get; set; } = 500_000;
}
