using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Risk.Indicators;

namespace Paygate.Gateway.Tests.Risk.Indicators;

/// <summary>Counters on a fake clock, told of saves as the payment core tells them, and the alerts they fire.</summary>
internal sealed class IndicatorTestKit
{
    public IndicatorTestKit(DateTimeOffset start, int maxMerchants = 100, bool alertsEnabled = true, params RiskAlertRule[] rules)
    {
        Clock = new FakeTimeProvider(start);
        var alertOptions = new RiskAlertOptions();
        alertOptions.Rules.AddRange(rules);
        var indicatorOptions = Options.Create(new RiskIndicatorOptions { MaxMerchants = maxMerchants, AlertsEnabled = alertsEnabled });
        Queue = new RiskAlertQueue(indicatorOptions, NullLogger<RiskAlertQueue>.Instance);
        Counters = new RiskIndicatorCounters(Options.Create(alertOptions), indicatorOptions, Queue, Clock);
    }

    public FakeTimeProvider Clock { get; }
    public RiskAlertQueue Queue { get; }
    public RiskIndicatorCounters Counters { get; }

    public RiskIndicatorSnapshot Snapshot(string merchant = TestPayments.Merchant) => Counters.Snapshot(merchant, Clock.GetUtcNow());

    /// <summary>A payment created (its first save), as the core reports it.</summary>
    public Payment Create(string merchant = TestPayments.Merchant, string? ip = null, params string[] riskHits)
    {
        var payment = TestPayments.New(Clock, merchantId: merchant);
        if (ip is not null)
        {
            payment.PayerContext = new PayerContext(ip, null, null);
        }
        if (riskHits.Length > 0)
        {
            payment.Risk = new RiskAssessment
            {
                Outcome = RiskOutcome.Allow,
                RuleSetVersion = 1,
                DecideTime = Clock.GetUtcNow(),
                Hits = [.. riskHits.Select(r => new RiskRuleHit(r, RiskOutcome.Challenge, "test", new Dictionary<string, string>()))],
            };
        }
        Counters.Saved(payment, null, PaymentEventTypes.Created);
        return payment;
    }

    /// <summary>A payment created and then finished: succeeded (no code) or failed with <paramref name="code"/>.</summary>
    public Payment Finish(string? code = null, string merchant = TestPayments.Merchant)
    {
        var payment = Create(merchant);
        payment.State = code is null ? PaymentState.Succeeded : PaymentState.Failed;
        payment.Error = code is null ? null : new PaymentError(code, "test", "card", "05");
        Counters.Saved(payment, PaymentState.Processing, code is null ? PaymentEventTypes.Succeeded : PaymentEventTypes.Failed);
        return payment;
    }

    public List<FiredAlert> Fired()
    {
        var fired = new List<FiredAlert>();
        while (Queue.Reader.TryRead(out var alert))
        {
            fired.Add(alert);
        }
        return fired;
    }
}
