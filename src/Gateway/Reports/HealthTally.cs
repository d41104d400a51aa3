using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>
/// Counts a month's payments, one at a time, into what the health report shows: success by channel (the last attempt's),
/// region (<c>customer.country</c>) and hour of creation, time to success split by working day and holiday, and failed or
/// expired payments by error code. Memory grows with the number of channels, regions and codes, not payments.
/// </summary>
public sealed class HealthTally(HolidayCalendar calendar, TimeSpan utcOffset)
{
    /// <summary>The key of payments no channel was tried for (refused before routing).</summary>
    public const string NoChannel = "none";
    /// <summary>The key of payments without a country.</summary>
    public const string UnknownRegion = "unknown";

    private readonly Counter _overall = new();
    private readonly Dictionary<string, Counter> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _regions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Region, string Channel), Counter> _regionChannels = [];
    private readonly Counter[] _hours = [.. Enumerable.Range(0, 24).Select(_ => new Counter())];
    private readonly Dictionary<string, (int Failed, int Expired)> _abnormal = new(StringComparer.Ordinal);
    private long _workingTicks;
    private int _working;
    private long _holidayTicks;
    private int _holiday;

    public int Count => _overall.Total;

    public void Add(Payment payment)
    {
        var channel = (payment.PaidAttempt ?? payment.CurrentAttempt)?.Channel ?? NoChannel;
        var region = string.IsNullOrEmpty(payment.Customer.Country) ? UnknownRegion : payment.Customer.Country;
        var local = payment.CreateTime.ToOffset(utcOffset);
        foreach (var counter in new[] { _overall, Get(_channels, channel), Get(_regions, region), Get(_regionChannels, (region, channel)), _hours[local.Hour] })
        {
            counter.Add(payment.State);
        }
        if (payment.State == PaymentState.Succeeded)
        {
            var took = (payment.UpdateTime - payment.CreateTime).Ticks;
            if (calendar.IsWorkingDay(DateOnly.FromDateTime(local.DateTime)))
            {
                _workingTicks += took;
                _working++;
            }
            else
            {
                _holidayTicks += took;
                _holiday++;
            }
        }
        else if (payment.State is PaymentState.Failed or PaymentState.Expired)
        {
            var code = payment.Error?.Code ?? "none";
            var (failed, expired) = _abnormal.GetValueOrDefault(code);
            _abnormal[code] = payment.State == PaymentState.Failed ? (failed + 1, expired) : (failed, expired + 1);
        }
    }

    public SuccessCount Overall => _overall.Named("all");

    /// <summary>By channel, best rate first (then most payments, then name).</summary>
    public IReadOnlyList<SuccessCount> ByChannel =>
        [.. _channels.Select(c => c.Value.Named(c.Key)).OrderByDescending(c => c.Rate).ThenByDescending(c => c.Total).ThenBy(c => c.Key, StringComparer.Ordinal)];

    /// <summary>By region, most payments first (then name).</summary>
    public IReadOnlyList<SuccessCount> ByRegion =>
        [.. _regions.Select(c => c.Value.Named(c.Key)).OrderByDescending(c => c.Total).ThenBy(c => c.Key, StringComparer.Ordinal)];

    /// <summary>All 24 hours of the day, <c>00</c> to <c>23</c>.</summary>
    public IReadOnlyList<SuccessCount> ByHour => [.. _hours.Select((c, hour) => c.Named(hour.ToString("00", System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Each region's channels.</summary>
    public IReadOnlyDictionary<(string Region, string Channel), SuccessCount> ByRegionAndChannel =>
        _regionChannels.ToDictionary(c => c.Key, c => c.Value.Named(c.Key.Channel));

    public ProcessingTimes ProcessingTimes => new(_working, Average(_workingTicks, _working), _holiday, Average(_holidayTicks, _holiday));

    /// <summary>By error code, most first (then code).</summary>
    public IReadOnlyList<AbnormalCount> Abnormal =>
        [.. _abnormal.Select(a => new AbnormalCount(a.Key, Meaning(a.Key), a.Value.Failed, a.Value.Expired))
            .OrderByDescending(a => a.Total).ThenBy(a => a.ErrorCode, StringComparer.Ordinal)];

    private static string Meaning(string code) =>
        ErrorCatalogue.All.FirstOrDefault(c => c.Code == code)?.Meaning ?? (code == "none" ? "Expired unpaid, without an error." : "");

    private static TimeSpan Average(long ticks, int count) => count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(ticks / count);

    private static Counter Get<TKey>(Dictionary<TKey, Counter> counters, TKey key)
        where TKey : notnull
    {
        if (!counters.TryGetValue(key, out var counter))
        {
            counters[key] = counter = new Counter();
        }
        return counter;
    }

    private sealed class Counter
    {
        public int Total { get; private set; }
        private int _succeeded;
        private int _unsuccessful;

        public void Add(PaymentState state)
        {
            Total++;
            if (state == PaymentState.Succeeded)
            {
                _succeeded++;
            }
            else if (state is PaymentState.Failed or PaymentState.Expired)
            {
                _unsuccessful++;
            }
        }

        public SuccessCount Named(string key) => new(key, Total, _succeeded, _unsuccessful);
    }
}
