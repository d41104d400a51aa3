using System.Globalization;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// One merchant's counts: payments created per second (the sliding minute), per minute and per hour (created, finished,
/// declined, with an IP, from an abnormal IP), per UTC day, and today's peak minute; and where each alert rule stands for
/// this merchant. Windows are numbered from the unix epoch, so days are UTC days. Callers hold <see cref="Sync"/>.
/// </summary>
internal sealed class MerchantIndicators(int ruleCount)
{
    /// <summary>The last hour plus the whole minutes a payments_per_minute trend may look back over.</summary>
    public const int MinuteWindows = 62;
    /// <summary>A day of hours plus the current and previous one (a share's trend looks back over whole hours before the last hour).</summary>
    public const int HourWindows = 26;
    /// <summary>Today and the 30 days before.</summary>
    public const int DayWindows = 31;

    private const int Created = 0, Finished = 1, Declined = 2, WithIp = 3, Abnormal = 4;

    private readonly WindowRing _seconds = new(60, 1);
    private readonly WindowRing _minutes = new(MinuteWindows, 5);
    private readonly WindowRing _hours = new(HourWindows, 5);
    private readonly WindowRing _days = new(DayWindows, 1);
    private long _peakDay = long.MinValue;
    private long _peak;

    public Lock Sync { get; } = new();

    /// <summary>When this merchant was last counted (unix milliseconds); the merchants idle longest are forgotten first.</summary>
    public long LastSeen;

    /// <summary>Per alert rule (by its place in the list): whether its last look found it crossed.</summary>
    public bool[] Crossed { get; } = new bool[ruleCount];

    /// <summary>Per alert rule: when it last fired for this merchant.</summary>
    public DateTimeOffset?[] LastFired { get; } = new DateTimeOffset?[ruleCount];

    /// <summary>A payment was created; <paramref name="abnormalIp"/> is null when it came without an IP.</summary>
    public void CountCreated(DateTimeOffset now, bool? abnormalIp)
    {
        var (second, minute, hour, day) = Windows(now);
        _seconds.Add(second, 0);
        _minutes.Add(minute, Created);
        _days.Add(day, 0);
        if (abnormalIp is { } abnormal)
        {
            _minutes.Add(minute, WithIp);
            _hours.Add(hour, WithIp);
            if (abnormal)
            {
                _minutes.Add(minute, Abnormal);
                _hours.Add(hour, Abnormal);
            }
        }
        if (_peakDay != day)
        {
            _peakDay = day;
            _peak = 0;
        }
        // Today's peak counts today's payments only: the sliding minute just after midnight holds some of yesterday's.
        _peak = Math.Max(_peak, _seconds.Sum(Math.Max(second - 59, day * 86_400), second, 0));
    }

    /// <summary>A payment finished (succeeded or failed); <paramref name="declined"/> when it failed for the payer's or risk control's reasons.</summary>
    public void CountFinished(DateTimeOffset now, bool declined)
    {
        var (_, minute, hour, _) = Windows(now);
        _minutes.Add(minute, Finished);
        _hours.Add(hour, Finished);
        if (declined)
        {
            _minutes.Add(minute, Declined);
            _hours.Add(hour, Declined);
        }
    }

    public RiskIndicatorSnapshot Snapshot(string merchantId, DateTimeOffset now)
    {
        var (second, minute, _, day) = Windows(now);
        return new RiskIndicatorSnapshot(merchantId,
            PaymentsLastMinute: _seconds.Sum(second - 59, second, 0),
            PaymentsToday: _days.Get(day, 0),
            PeakPaymentsPerMinuteToday: _peakDay == day ? _peak : 0,
            DeclineRateLastHour: Share(_minutes.Sum(minute - 59, minute, Declined), _minutes.Sum(minute - 59, minute, Finished)),
            AbnormalIpShareLastHour: Share(_minutes.Sum(minute - 59, minute, Abnormal), _minutes.Sum(minute - 59, minute, WithIp)),
            AsOf: now);
    }

    /// <summary>
    /// An indicator now, and its baseline over the <paramref name="windows"/> whole windows before the current one: for the
    /// sliding minute, the minutes before the last two (the sliding minute overlaps the last); for the last hour's shares,
    /// the hours before the last two; for the day, the days before today.
    /// </summary>
    public IndicatorReading Read(string indicator, DateTimeOffset now, int windows)
    {
        var (second, minute, hour, day) = Windows(now);
        return indicator switch
        {
            RiskIndicatorNames.PaymentsPerMinute => CountReading(_seconds.Sum(second - 59, second, 0), _minutes.Sum(minute - 1 - windows, minute - 2, Created), windows,
                "payments in the last minute"),
            RiskIndicatorNames.PaymentsPerDay => CountReading(_days.Get(day, 0), _days.Sum(day - windows, day - 1, 0), windows, "payments today (UTC)"),
            RiskIndicatorNames.DeclineRate => ShareReading(minute, hour, windows, Declined, Finished, "declined of {1} finished payments in the last hour"),
            RiskIndicatorNames.AbnormalIpShare => ShareReading(minute, hour, windows, Abnormal, WithIp, "from abnormal IPs of {1} payments with an IP in the last hour"),
            _ => throw new ArgumentOutOfRangeException(nameof(indicator), indicator, "not an indicator"),
        };
    }

    private static IndicatorReading CountReading(long value, long past, int windows, string description) =>
        new(value, value, (decimal)past / windows, past, $"{value} {description}");

    private IndicatorReading ShareReading(long minute, long hour, int windows, int part, int whole, string description)
    {
        var parts = _minutes.Sum(minute - 59, minute, part);
        var total = _minutes.Sum(minute - 59, minute, whole);
        var pastParts = _hours.Sum(hour - 1 - windows, hour - 2, part);
        var pastTotal = _hours.Sum(hour - 1 - windows, hour - 2, whole);
        return new(Share(parts, total), total, Share(pastParts, pastTotal), pastTotal,
            parts.ToString(CultureInfo.InvariantCulture) + " " + string.Format(CultureInfo.InvariantCulture, description, parts, total));
    }

    private static decimal Share(long part, long whole) => whole == 0 ? 0 : Math.Round((decimal)part / whole, 4);

    private static (long Second, long Minute, long Hour, long Day) Windows(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        return (second, Math.DivRem(second, 60).Quotient, second / 3_600, second / 86_400);
    }
}
