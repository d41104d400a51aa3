using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>
/// The risk indicators of each merchant as this instance saves its payments, in memory and bounded
/// (<see cref="RiskIndicatorOptions.MaxMerchants"/>), and the alert rules asked as they move. Told of every saved change
/// (<see cref="IPaymentObserver"/>) on the saving thread: a change that neither creates nor finishes a payment costs a
/// comparison; one that does costs a dictionary look-up and a few array writes under the merchant's own lock. A rule that
/// fires is handed to <see cref="RiskAlertQueue"/>, and written off this thread.
/// </summary>
/// <remarks>
/// Counted: a payment is created when its first change is saved (whatever its type: a payment blocked on creation counts
/// too). It finishes each time a change moves it into SUCCEEDED or FAILED (a FAILED payment paid again and failing again
/// finishes twice); it finished declined when it moved into FAILED with a <c>PM-1xxx</c> (payer and funds) or
/// <c>PM-3xxx</c> (risk and compliance) code, not for channel, timeout or format failures. An IP is abnormal when risk
/// control's decision on creation has a hit of a <c>geo.*</c> rule, <c>lists.ip</c> or <c>lists.country</c>.
/// </remarks>
public sealed class RiskIndicatorCounters(IOptions<RiskAlertOptions> alerts, IOptions<RiskIndicatorOptions> options, RiskAlertQueue queue, TimeProvider clock)
    : IRiskIndicators, IPaymentObserver
{
    private readonly RiskAlertRules _rules = new(options.Value.AlertsEnabled ? [.. alerts.Value.Rules] : []);
    private readonly int _maxMerchants = options.Value.MaxMerchants;
    private readonly ConcurrentDictionary<string, MerchantIndicators> _merchants = new(StringComparer.Ordinal);
    // ConcurrentDictionary.Count takes every lock of the dictionary: too dear for every save.
    private int _count;
    private int _evicting;

    /// <summary>How many merchants are counted now (for tests).</summary>
    internal int MerchantCount => Volatile.Read(ref _count);

    public RiskIndicatorSnapshot Snapshot(string merchantId, DateTimeOffset now)
    {
        if (!_merchants.TryGetValue(merchantId, out var merchant))
        {
            return new RiskIndicatorSnapshot(merchantId, 0, 0, 0, 0, 0, now);
        }
        lock (merchant.Sync)
        {
            return merchant.Snapshot(merchantId, now);
        }
    }

    public void Saved(Payment payment, PaymentState? before, string eventType)
    {
        var created = before is null;
        var finished = before != payment.State && payment.State is PaymentState.Succeeded or PaymentState.Failed;
        if (!created && !finished)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var merchant = For(payment.MerchantId, now);
        var touched = TouchedIndicators.None;
        List<FiredAlert>? fired = null;
        lock (merchant.Sync)
        {
            if (created)
            {
                bool? abnormal = payment.PayerContext?.Ip is null ? null : IsAbnormalIp(payment.Risk);
                merchant.CountCreated(now, abnormal);
                touched |= TouchedIndicators.PaymentCounts | (abnormal is null ? TouchedIndicators.None : TouchedIndicators.AbnormalIpShare);
            }
            if (finished)
            {
                merchant.CountFinished(now, payment.State == PaymentState.Failed && IsDecline(payment.Error));
                touched |= TouchedIndicators.DeclineRate;
            }
            _rules.Evaluate(merchant, touched, payment.MerchantId, payment.Id, now, ref fired);
        }
        fired?.ForEach(queue.Offer);
    }

    /// <summary>Whether risk control saw the payer's IP as abnormal: a geography rule or the IP or country lists fired.</summary>
    public static bool IsAbnormalIp(RiskAssessment? risk) =>
        risk is not null && risk.Hits.Any(h => h.Rule.StartsWith("geo.", StringComparison.Ordinal) || h.Rule is "lists.ip" or "lists.country");

    /// <summary>A failure for the payer's side (PM-1xxx) or risk control's (PM-3xxx), not the channel's or ours.</summary>
    public static bool IsDecline(PaymentError? error) =>
        error is not null && (error.Code.StartsWith("PM-1", StringComparison.Ordinal) || error.Code.StartsWith("PM-3", StringComparison.Ordinal));

    private MerchantIndicators For(string merchantId, DateTimeOffset now)
    {
        if (!_merchants.TryGetValue(merchantId, out var merchant))
        {
            var added = false;
            merchant = _merchants.GetOrAdd(merchantId, _ =>
            {
                added = true;
                return new MerchantIndicators(_rules.Count);
            });
            if (added && Interlocked.Increment(ref _count) > _maxMerchants)
            {
                Evict(merchantId);
            }
        }
        Volatile.Write(ref merchant.LastSeen, now.ToUnixTimeMilliseconds());
        return merchant;
    }

    /// <summary>
    /// Forgets the merchants idle longest, down to 90% of the bound so that this runs once per many new merchants, not for
    /// each. One eviction at a time; a save that finds one running goes on (the bound is briefly exceeded by a few).
    /// </summary>
    private void Evict(string keep)
    {
        if (Interlocked.CompareExchange(ref _evicting, 1, 0) != 0)
        {
            return;
        }
        try
        {
            var excess = Volatile.Read(ref _count) - Math.Max(1, _maxMerchants * 9 / 10);
            foreach (var (id, _) in _merchants.Where(m => m.Key != keep).OrderBy(m => Volatile.Read(ref m.Value.LastSeen)).Take(Math.Max(0, excess)).ToList())
            {
                if (_merchants.TryRemove(id, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }
}
