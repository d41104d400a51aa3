using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Risk;

/// <summary>
/// The risk engine: decides by the rule set version in force (<see cref="Apply"/>) and learns the velocity counts from every saved
/// payment change (<see cref="IPaymentObserver"/>). Deciding takes no lock beyond the per-key locks of the velocity windows, and
/// reads precompiled structures only. With no rule set loaded it fails closed: every payment is blocked (<c>risk.unavailable</c>).
/// </summary>
public sealed class RiskEngine(IOptions<RiskOptions> options, ILogger<RiskEngine> logger) : IRiskEngine, IPaymentObserver
{
    private sealed record InForceRules(RiskRuleVersion Version, RiskRuleSet Rules);

    private static readonly TimeSpan UnavailableLogEvery = TimeSpan.FromSeconds(30);

    private readonly VelocityWindows _windows = new(options.Value.MaxTrackedKeys);
    private InForceRules? _inForce;
    private long _lastUnavailableLog;

    /// <summary>The version in force, or null before any could be loaded.</summary>
    public RiskRuleVersion? InForce => Volatile.Read(ref _inForce)?.Version;

    /// <summary>The velocity windows (for tests: how many keys are held).</summary>
    internal VelocityWindows Windows => _windows;

    /// <summary>Puts <paramref name="version"/> in force unless a newer one already is (the refresher and an update may race).</summary>
    public bool Apply(RiskRuleVersion version, RiskRuleSet rules)
    {
        var next = new InForceRules(version, rules);
        while (true)
        {
            var current = Volatile.Read(ref _inForce);
            if (current is not null && current.Version.Version >= version.Version)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _inForce, next, current) == current)
            {
                logger.InForce(version.Version, rules.ListEntries);
                return true;
            }
        }
    }

    public RiskAssessment Assess(RiskRequest request)
    {
        if (Volatile.Read(ref _inForce) is not { } inForce)
        {
            return Unavailable(request.Now);
        }
        var rules = inForce.Rules;
        var hits = new List<RiskRuleHit>();
        IPAddress? ip = null;
        string? ipCountry = null;
        if (request.Payer?.Ip is { } text && IpAddresses.TryParse(text, out var parsed))
        {
            ip = parsed;
            ipCountry = rules.IpCountries.TryFind(parsed, out _, out var country) ? country : null;
        }
        var keys = VelocityKeys.Of(request.MerchantId, request.Customer.Id, request.Payer?.DeviceId, request.CardFingerprint);

        RiskChecks.Lists(rules, request, ip, ipCountry, hits);
        RiskChecks.Sanctions(rules, request, hits);
        RiskChecks.Velocity(rules, _windows, request, keys, hits);
        RiskChecks.Geography(rules, request, ip, ipCountry, hits);

        var level = request.Customer.Id is { } id && rules.CustomerLevels.TryGetValue(id, out var l) ? l : RiskLevels.Normal;
        var outcome = Strictest(hits);
        if (level == RiskLevels.Elevated && outcome == RiskOutcome.Allow && hits.Count > 0)
        {
            hits.Add(new RiskRuleHit("level.customer", RiskOutcome.Challenge, "elevated customer: a noted rule asks for a challenge",
                new Dictionary<string, string> { ["level"] = level, ["noted_rules"] = string.Join(',', hits.Select(h => h.Rule)) }));
        }
        else if (level == RiskLevels.High && outcome != RiskOutcome.Block)
        {
            hits.Add(new RiskRuleHit("level.customer", RiskOutcome.Challenge, "high-risk customer: every payment not blocked is challenged",
                new Dictionary<string, string> { ["level"] = level }));
        }
        outcome = Strictest(hits);
        return new RiskAssessment
        {
            Outcome = outcome,
            RuleSetVersion = inForce.Version.Version,
            Hits = hits,
            CustomerLevel = level,
            DecideTime = request.Now,
            Challenge = outcome == RiskOutcome.Challenge ? ChallengeState.Pending : null,
        };
    }

    private static RiskOutcome Strictest(List<RiskRuleHit> hits)
    {
        var outcome = RiskOutcome.Allow;
        foreach (var hit in hits)
        {
            outcome = hit.Action > outcome ? hit.Action : outcome;
        }
        return outcome;
    }

    private RiskAssessment Unavailable(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastUnavailableLog);
        if ((last == 0 || now.UtcTicks - last >= UnavailableLogEvery.Ticks) && Interlocked.CompareExchange(ref _lastUnavailableLog, now.UtcTicks, last) == last)
        {
            logger.FailingClosed(null);
        }
        return new RiskAssessment
        {
            Outcome = RiskOutcome.Block,
            RuleSetVersion = 0,
            Hits = [new RiskRuleHit("risk.unavailable", RiskOutcome.Block, "no risk rule set could be loaded: the engine fails closed",
                new Dictionary<string, string> { ["rule_set"] = "none" })],
            DecideTime = now,
        };
    }

    public void Saved(Payment payment, PaymentState? before, string eventType)
    {
        var keys = VelocityKeys.Of(payment.MerchantId, payment.Customer.Id, payment.PayerContext?.DeviceId, payment.Card?.Fingerprint);
        if (keys.Count == 0)
        {
            return;
        }
        var time = before is null ? payment.CreateTime : payment.UpdateTime;
        if (before is null)
        {
            var method = payment.Attempts.FirstOrDefault()?.Channel ?? payment.PreferredChannel ?? payment.Routing.Candidates.FirstOrDefault() ?? "";
            foreach (var (_, key) in keys)
            {
                _windows.RecordPayment(key, time, method, payment.Currency, payment.AmountMinor);
            }
        }
        else if (eventType == PaymentEventTypes.Retried && (payment.CurrentAttempt?.Channel ?? payment.PreferredChannel) is { } method)
        {
            foreach (var (_, key) in keys)
            {
                _windows.RecordMethod(key, time, method);
            }
        }
        if (payment.State == PaymentState.Failed && before != PaymentState.Failed && IsDecline(payment.Error))
        {
            foreach (var (_, key) in keys)
            {
                _windows.RecordDecline(key, time);
            }
        }
        else if (payment.State == PaymentState.Succeeded && before != PaymentState.Succeeded)
        {
            foreach (var (_, key) in keys)
            {
                _windows.RecordSuccess(key, time);
            }
        }
    }

    /// <summary>A payer's decline (<c>PM-1xxx</c>) or a refusal by risk control (<c>PM-3xxx</c>); not a channel's own failure.</summary>
    /// <summary>
    /// A payer's decline (<c>PM-1xxx</c>) or an issuer's or channel's risk refusal (<c>PM-3xxx</c> with a channel). The gateway's
    /// own refusals (a block, a challenge not passed) are not counted: they would feed themselves, and a payer once blocked
    /// would stay blocked, as no success could ever reset the count.
    /// </summary>
    private static bool IsDecline(PaymentError? error) =>
        error is { Code: var code } && (code.StartsWith("PM-1", StringComparison.Ordinal) || (code.StartsWith("PM-3", StringComparison.Ordinal) && error.Channel is not null));

    internal static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
