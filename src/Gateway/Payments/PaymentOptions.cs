using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Payments;

/// <summary>Payment lifecycle settings (section <c>Paygate</c>).</summary>
public sealed class PaymentOptions
{
    public const string Section = "Paygate";

    /// <summary>The base URL the networks post notifications to; <c>/notify/&lt;channel&gt;</c> is appended.</summary>
    [Required, Url]
    public string NotifyBaseUrl { get; set; } = "http://localhost:5081";

    /// <summary>How long an unpaid payment stays payable when the request gives no expire_time.</summary>
    public TimeSpan DefaultExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest expire_time a request may ask for, counted from now.</summary>
    public TimeSpan MaxExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The ceiling on one payment's amount, in minor units of any currency.</summary>
    [Range(1, long.MaxValue)]
    public long MaxAmountMinor { get; set; } = 10_000_000_000;

    /// <summary>How often the recovery worker looks for expired payments and unknown outcomes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an instance's claim on a worker (recovery and expiry, the statement pull, retention) lasts unless renewed: with
    /// several instances, the one holding it runs the worker, and another takes over this long after the holder died.
    /// Longer than <see cref="SweepInterval"/>: the holder renews it at every sweep.
    /// </summary>
    public TimeSpan WorkerLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an attempt may stay pending (a call in flight) before the worker queries it.</summary>
    public TimeSpan PendingQueryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A call the network says is in flight (a SWIFT transfer settling) is asked about again after a tenth of its age,
    /// at least this long after the last question...
    /// </summary>
    public TimeSpan InFlightQueryMin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>...and at most this long.</summary>
    public TimeSpan InFlightQueryMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// When a payment waiting for the payer to scan a QR code is asked about, counted from its attempt's creation: a payment
    /// paid while the gateway could not hear the network's notification is settled by the gateway's own question, not only
    /// when the network resends minutes later. Unset: <see cref="DefaultAwaitingPayerQueries"/>.
    /// </summary>
    public List<TimeSpan>? AwaitingPayerQueries { get; set; }

    public static IReadOnlyList<TimeSpan> DefaultAwaitingPayerQueries { get; } =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)];

    /// <summary>The schedule in force, earliest first (a configured list replaces the default, it does not extend it).</summary>
    public IReadOnlyList<TimeSpan> AwaitingPayerSchedule => AwaitingPayerQueries is { Count: > 0 } own ? [.. own.Order()] : DefaultAwaitingPayerQueries;
}
