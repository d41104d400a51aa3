using System.Globalization;
using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// Refuses alert rules that cannot work, naming the rule and the reason, so that the host does not start with an alert
/// that would never fire (or fire on everything) unnoticed.
/// </summary>
public sealed class RiskAlertOptionsValidator : IValidateOptions<RiskAlertOptions>
{
    public ValidateOptionsResult Validate(string? name, RiskAlertOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var label = rule.Name.Length == 0 ? $"{RiskAlertOptions.Section}:{i}" : $"{RiskAlertOptions.Section} rule '{rule.Name}'";
            foreach (var reason in Problems(rule, names))
            {
                failures.Add($"{label}: {reason}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The most whole windows a trend may look back over, by indicator (what the counters keep).</summary>
    public static int MaxWindows(string indicator) => indicator switch
    {
        RiskIndicatorNames.PaymentsPerMinute => MerchantIndicators.MinuteWindows - 2,
        RiskIndicatorNames.PaymentsPerDay => MerchantIndicators.DayWindows - 1,
        _ => MerchantIndicators.HourWindows - 2,
    };

    private static IEnumerable<string> Problems(RiskAlertRule rule, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            yield return "Name is required";
        }
        else if (!names.Add(rule.Name))
        {
            yield return "Name is used by another rule";
        }
        if (!RiskIndicatorNames.All.Contains(rule.Indicator))
        {
            yield return $"Indicator '{rule.Indicator}' is not one of {string.Join(", ", RiskIndicatorNames.All)}";
        }
        if (rule.MinVolume < 1)
        {
            yield return "MinVolume must be at least 1";
        }
        if (rule.Cooldown < TimeSpan.Zero)
        {
            yield return "Cooldown must not be negative";
        }
        switch (rule.Kind)
        {
            case RiskAlertKinds.Threshold:
                if (rule.Threshold is not { } threshold)
                {
                    yield return "Threshold is required for a threshold rule";
                }
                else if (threshold < 0)
                {
                    yield return "Threshold must not be negative";
                }
                else if (RiskIndicatorNames.IsRate(rule.Indicator) && threshold >= 1)
                {
                    yield return $"Threshold {threshold.ToString(CultureInfo.InvariantCulture)} is a share and must be below 1 (a share is never above 1)";
                }
                break;
            case RiskAlertKinds.Trend:
                if (rule.Factor is not { } factor || factor <= 1)
                {
                    yield return "Factor must be above 1 for a trend rule (the value against the baseline)";
                }
                if (RiskIndicatorNames.All.Contains(rule.Indicator) && (rule.Windows < 1 || rule.Windows > MaxWindows(rule.Indicator)))
                {
                    yield return $"Windows must be from 1 to {MaxWindows(rule.Indicator)} for {rule.Indicator}";
                }
                break;
            default:
                yield return $"Kind '{rule.Kind}' is not '{RiskAlertKinds.Threshold}' or '{RiskAlertKinds.Trend}'";
                break;
        }
    }
}
