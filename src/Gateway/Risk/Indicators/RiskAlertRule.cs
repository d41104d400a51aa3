namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// One alert rule of <c>Risk:Alerts</c>: which indicator it watches and when it fires. A rule fires once per crossing (the
/// value going from not alerting to alerting) for a merchant, and at most once per <see cref="Cooldown"/>; a crossing that
/// starts within the cooldown fires when the cooldown ends if it still holds then.
/// </summary>
public sealed class RiskAlertRule
{
    /// <summary>The rule's name, unique in the list; alerts carry it.</summary>
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="RiskIndicatorNames"/>.</summary>
    public string Indicator { get; set; } = "";

    /// <summary><see cref="RiskAlertKinds.Threshold"/> or <see cref="RiskAlertKinds.Trend"/>.</summary>
    public string Kind { get; set; } = RiskAlertKinds.Threshold;

    /// <summary>For a threshold rule: it fires when the value is above this (a share 0 to 1 for rates, a count otherwise).</summary>
    public decimal? Threshold { get; set; }

    /// <summary>For a trend rule: it fires when the value is above this many times the baseline (more than 1).</summary>
    public decimal? Factor { get; set; }

    /// <summary>
    /// For a trend rule: how many whole windows before the current one make the baseline (minutes for payments_per_minute,
    /// days for payments_per_day, hours for the rates).
    /// </summary>
    public int Windows { get; set; } = 5;

    /// <summary>
    /// The fewest payments the current window must hold before the rule is asked at all (the finished payments for
    /// decline_rate, the payments with an IP for abnormal_ip_share, the value itself for counts), so that one declined
    /// payment out of one does not fire. A trend also needs this many in its baseline windows together.
    /// </summary>
    public long MinVolume { get; set; } = 20;

    /// <summary>The least time between two alerts of this rule for one merchant.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(15);
}
