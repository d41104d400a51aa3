namespace Paygate.Gateway.Risk.Indicators;

/// <summary>The indicators an alert rule may watch, named as in configuration and in the API's <c>RiskAlert.indicator</c>.</summary>
public static class RiskIndicatorNames
{
    /// <summary>Payments created in the last 60 seconds (a sliding window of one-second buckets).</summary>
    public const string PaymentsPerMinute = "payments_per_minute";
    /// <summary>Payments created since midnight UTC.</summary>
    public const string PaymentsPerDay = "payments_per_day";
    /// <summary>Declined over finished payments in the last hour.</summary>
    public const string DeclineRate = "decline_rate";
    /// <summary>Payments from an abnormal IP over payments with an IP, created in the last hour.</summary>
    public const string AbnormalIpShare = "abnormal_ip_share";

    public static readonly IReadOnlyList<string> All = [PaymentsPerMinute, PaymentsPerDay, DeclineRate, AbnormalIpShare];

    /// <summary>Whether the indicator is a share (0 to 1) rather than a count.</summary>
    public static bool IsRate(string indicator) => indicator is DeclineRate or AbnormalIpShare;
}

/// <summary>How an alert rule compares: against a fixed value, or against the indicator's own recent past.</summary>
public static class RiskAlertKinds
{
    /// <summary>Fires when the value is above <see cref="RiskAlertRule.Threshold"/>.</summary>
    public const string Threshold = "threshold";
    /// <summary>Fires when the value is above <see cref="RiskAlertRule.Factor"/> times the average of the previous windows.</summary>
    public const string Trend = "trend";
}
