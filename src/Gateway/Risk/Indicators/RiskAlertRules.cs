using System.Globalization;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>Which indicators a saved change moved (only their rules are asked).</summary>
[Flags]
internal enum TouchedIndicators
{
    None = 0,
    PaymentCounts = 1,
    DeclineRate = 2,
    AbnormalIpShare = 4,
}

/// <summary>
/// The alert rules, asked after a merchant's counts moved: a rule fires when its indicator crosses (was not alerting at its
/// last look, is now) and its cooldown for the merchant has passed; a crossing met within the cooldown fires at the first
/// look after it that still finds it crossed. Callers hold the merchant's lock.
/// </summary>
internal sealed class RiskAlertRules(IReadOnlyList<RiskAlertRule> rules)
{
    public int Count => rules.Count;

    /// <summary>Asks the rules that watch an indicator in <paramref name="touched"/>; what fires is added to <paramref name="fired"/> (made at the first).</summary>
    public void Evaluate(MerchantIndicators merchant, TouchedIndicators touched, string merchantId, string paymentId, DateTimeOffset now, ref List<FiredAlert>? fired)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if ((Touches(rule.Indicator) & touched) == 0)
            {
                continue;
            }
            var reading = merchant.Read(rule.Indicator, now, rule.Kind == RiskAlertKinds.Trend ? rule.Windows : 1);
            if (!Alerting(rule, reading))
            {
                merchant.Crossed[i] = false;
                continue;
            }
            if (merchant.Crossed[i] || merchant.LastFired[i] is { } last && now - last < rule.Cooldown)
            {
                continue;
            }
            merchant.Crossed[i] = true;
            merchant.LastFired[i] = now;
            (fired ??= []).Add(Alert(rule, reading, merchantId, paymentId, now));
        }
    }

    private static TouchedIndicators Touches(string indicator) => indicator switch
    {
        RiskIndicatorNames.DeclineRate => TouchedIndicators.DeclineRate,
        RiskIndicatorNames.AbnormalIpShare => TouchedIndicators.AbnormalIpShare,
        _ => TouchedIndicators.PaymentCounts,
    };

    private static bool Alerting(RiskAlertRule rule, IndicatorReading reading) =>
        reading.Volume >= rule.MinVolume && (rule.Kind == RiskAlertKinds.Trend
            // No history (a new merchant, or just after a restart: the counts are in memory), no trend.
            ? reading.BaselineVolume >= rule.MinVolume && reading.Value > rule.Factor!.Value * reading.Baseline
            : reading.Value > rule.Threshold!.Value);

    private static FiredAlert Alert(RiskAlertRule rule, IndicatorReading reading, string merchantId, string paymentId, DateTimeOffset now)
    {
        var value = Format(reading.Value);
        string threshold, reason;
        if (rule.Kind == RiskAlertKinds.Trend)
        {
            threshold = Format(reading.Baseline);
            var unit = rule.Indicator switch
            {
                RiskIndicatorNames.PaymentsPerMinute => "minutes",
                RiskIndicatorNames.PaymentsPerDay => "days",
                _ => "hours",
            };
            var pooled = RiskIndicatorNames.IsRate(rule.Indicator) ? "over" : "per window of";
            reason = $"{rule.Indicator} {value} ({reading.Description}) is above {Format(rule.Factor!.Value)} times its baseline {threshold} "
                + $"({pooled} the {rule.Windows} whole {unit} before)";
        }
        else
        {
            threshold = Format(rule.Threshold!.Value);
            reason = $"{rule.Indicator} {value} ({reading.Description}) is above the threshold {threshold}";
        }
        return new FiredAlert(merchantId, paymentId, rule.Name, rule.Indicator, value, threshold, reason, now);
    }

    private static string Format(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
