namespace Paygate.Gateway.Reports;

/// <summary>
/// Next month's volume from the months before it: a least-squares straight line through the monthly counts, read one month
/// ahead and floored at 0 (a falling trend does not forecast fewer than no payments). With one month of history the forecast is
/// that month again; months before the first payment are left out, so that a new merchant's trend is not dragged to 0.
/// </summary>
public static class VolumeForecasts
{
    public static VolumeForecast LinearTrend(IReadOnlyList<MonthVolume> history, string nextMonth)
    {
        var first = history.ToList().FindIndex(m => m.PaymentCount > 0);
        var used = first < 0 ? [] : history.Skip(first).ToList();
        var method = $"linear trend (least squares) over the last {used.Count} month(s) with payments, rounded, floored at 0";
        if (used.Count == 0)
        {
            return new VolumeForecast(method, nextMonth, 0, history);
        }
        if (used.Count == 1)
        {
            return new VolumeForecast(method, nextMonth, used[0].PaymentCount, history);
        }
        var n = used.Count;
        var meanX = (n - 1) / 2.0;
        var meanY = used.Average(m => (double)m.PaymentCount);
        double numerator = 0, denominator = 0;
        for (var x = 0; x < n; x++)
        {
            numerator += (x - meanX) * (used[x].PaymentCount - meanY);
            denominator += (x - meanX) * (x - meanX);
        }
        var slope = numerator / denominator;
        var next = meanY + slope * (n - meanX);
        return new VolumeForecast(method, nextMonth, Math.Max(0, (long)Math.Round(next, MidpointRounding.AwayFromZero)), history);
    }
}
