using System.Text.RegularExpressions;

namespace Paygate.Cli.Drills.Scenarios;

/// <summary>What a scenario must say to be run: each broken rule is a JSON path and what is wrong there; the first is reported.</summary>
public static partial class ScenarioRules
{
    /// <summary>The simulated networks a phase may name (the simulators' paths).</summary>
    public static readonly IReadOnlyList<string> Networks = ["alipay", "wechatpay", "unionpay", "card", "bank", "swift"];

    /// <summary>The payment methods a mix may ask for.</summary>
    public static readonly IReadOnlyList<string> Methods = ["auto", "alipay", "wechatpay", "unionpay", "card"];

    public static (string Path, string Problem)? FirstProblem(Scenario scenario)
    {
        if (string.IsNullOrWhiteSpace(scenario.Name))
        {
            return ("$.name", "must not be empty");
        }
        if (scenario.Payments is < 1 or > 1_000_000)
        {
            return ("$.payments", $"must be 1 to 1000000 (got {scenario.Payments})");
        }
        if (scenario.Concurrency is < 1 or > 512)
        {
            return ("$.concurrency", $"must be 1 to 512 (got {scenario.Concurrency})");
        }
        if (scenario.Rate is <= 0 or > 100_000)
        {
            return ("$.rate", $"must be more than 0 and at most 100000 payments a second (got {scenario.Rate})");
        }
        if (scenario.RecoverySeconds is < 0 or > 3600)
        {
            return ("$.recoverySeconds", $"must be 0 to 3600 (got {scenario.RecoverySeconds})");
        }
        if (scenario.Mix.Count == 0)
        {
            return ("$.mix", "needs at least one kind of payment");
        }
        for (var i = 0; i < scenario.Mix.Count; i++)
        {
            if (Kind(scenario.Mix[i], $"$.mix[{i}]") is { } problem)
            {
                return problem;
            }
        }
        for (var i = 0; i < scenario.Phases.Count; i++)
        {
            if (Phase(scenario.Phases[i], $"$.phases[{i}]") is { } problem)
            {
                return problem;
            }
        }
        return Expect(scenario.Expect);
    }

    private static (string, string)? Kind(PaymentKind kind, string at)
    {
        if (kind.Weight < 1)
        {
            return (at + ".weight", $"must be 1 or more (got {kind.Weight})");
        }
        if (!Methods.Contains(kind.Method))
        {
            return (at + ".method", $"'{kind.Method}' is not one of {string.Join(", ", Methods)}");
        }
        if (!CurrencyCode().IsMatch(kind.Currency))
        {
            return (at + ".currency", $"'{kind.Currency}' is not an ISO 4217 code such as CNY or USD");
        }
        if (kind.Amount.Min < 1)
        {
            return (at + ".amount.min", $"must be 1 or more minor units (got {kind.Amount.Min})");
        }
        if (kind.Amount.Max < kind.Amount.Min)
        {
            return (at + ".amount.max", $"must be at least min ({kind.Amount.Min}; got {kind.Amount.Max})");
        }
        if (kind.Customer is not ("personal" or "enterprise"))
        {
            return (at + ".customer", $"'{kind.Customer}' is not personal or enterprise");
        }
        return null;
    }

    private static (string, string)? Phase(FaultPhase phase, string at)
    {
        if (phase.At < 0)
        {
            return (at + ".at", $"must be 0 or more seconds (got {phase.At})");
        }
        if (phase.For is <= 0)
        {
            return (at + ".for", $"must be more than 0 seconds (got {phase.For})");
        }
        if (!Networks.Contains(phase.Network))
        {
            return (at + ".network", $"'{phase.Network}' is not one of {string.Join(", ", Networks)}");
        }
        var faults = phase.Faults;
        var f = at + ".faults";
        foreach (var (name, rate) in new[] { ("errorRate", faults.ErrorRate), ("loseResponseRate", faults.LoseResponseRate), ("tamperRate", faults.TamperRate), ("timeoutRate", faults.TimeoutRate) })
        {
            if (rate is < 0 or > 1)
            {
                return ($"{f}.{name}", $"is a share of calls, 0 to 1 (got {rate})");
            }
        }
        if (faults.LatencyMs is < 0 or > 600_000)
        {
            return (f + ".latencyMs", $"must be 0 to 600000 (got {faults.LatencyMs})");
        }
        if (faults.ErrorRate > 0 && string.IsNullOrWhiteSpace(faults.ErrorCode))
        {
            return (f + ".errorCode", "is needed with errorRate: the network's native error, e.g. 20000/isp.unknow-error (Alipay) or 500/SYSTEM_ERROR (WeChat Pay)");
        }
        if (faults.TimeoutMs is <= 0)
        {
            return (f + ".timeoutMs", $"must be more than 0 (got {faults.TimeoutMs})");
        }
        if (faults.Outage && phase.For is null)
        {
            return (f + ".outage", "needs the phase's length in seconds (for)");
        }
        if (faults.Limit is < 1)
        {
            return (f + ".limit", $"must be 1 or more (got {faults.Limit})");
        }
        return null;
    }

    private static (string, string)? Expect(Expectations expect)
    {
        if (expect.MinSuccessRate is < 0 or > 1)
        {
            return ("$.expect.minSuccessRate", $"is a share, 0 to 1 (got {expect.MinSuccessRate})");
        }
        if (expect.MaxUnresolved is < 0)
        {
            return ("$.expect.maxUnresolved", $"must be 0 or more (got {expect.MaxUnresolved})");
        }
        if (expect.MinFailovers is < 0)
        {
            return ("$.expect.minFailovers", $"must be 0 or more (got {expect.MinFailovers})");
        }
        return null;
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
