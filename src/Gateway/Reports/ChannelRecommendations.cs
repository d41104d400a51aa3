using System.Globalization;

namespace Paygate.Gateway.Reports;

/// <summary>
/// Where a channel's success rate in a region fell from last month by at least the threshold (both months with enough decided
/// payments to compare), suggests the region's channel with the best rate this month, when it is better than the fallen one's.
/// </summary>
public static class ChannelRecommendations
{
    public static IReadOnlyList<Recommendation> Switches(IReadOnlyDictionary<(string Region, string Channel), SuccessCount> current,
        IReadOnlyDictionary<(string Region, string Channel), SuccessCount> previous, double threshold, int minimumSample)
    {
        var suggestions = new List<Recommendation>();
        foreach (var ((region, channel), now) in current.OrderBy(c => c.Key.Region, StringComparer.Ordinal).ThenBy(c => c.Key.Channel, StringComparer.Ordinal))
        {
            if (channel == HealthTally.NoChannel || now.Decided < minimumSample
                || !previous.TryGetValue((region, channel), out var before) || before.Decided < minimumSample || before.Rate - now.Rate < threshold)
            {
                continue;
            }
            var better = current
                .Where(c => c.Key.Region == region && c.Key.Channel != channel && c.Key.Channel != HealthTally.NoChannel
                    && c.Value.Decided >= minimumSample && c.Value.Rate > now.Rate)
                .OrderByDescending(c => c.Value.Rate).ThenByDescending(c => c.Value.Decided).ThenBy(c => c.Key.Channel, StringComparer.Ordinal)
                .Select(c => c.Value)
                .FirstOrDefault();
            if (better is null)
            {
                continue;
            }
            suggestions.Add(new Recommendation(RecommendationKind.SwitchChannel, region, channel, before.Rate, now.Rate, better.Key, better.Rate,
                $"In {region}, {channel}'s success rate fell from {Percent(before.Rate)} to {Percent(now.Rate)}; {better.Key} succeeded "
                + $"{Percent(better.Rate)} there this month: route {region}'s payments to {better.Key} first."));
        }
        return suggestions;
    }

    /// <summary>The forecast as a recommendation to plan for.</summary>
    public static Recommendation Capacity(VolumeForecast forecast, long currentCount) =>
        new(RecommendationKind.Capacity, "", "", 0, 0, "", 0,
            $"Expect about {forecast.PaymentCount.ToString(CultureInfo.InvariantCulture)} payments in {forecast.Month} "
            + $"({currentCount.ToString(CultureInfo.InvariantCulture)} this month; {forecast.Method}).");

    public static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
