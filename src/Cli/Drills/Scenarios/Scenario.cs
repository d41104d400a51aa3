namespace Paygate.Cli.Drills.Scenarios;

/// <summary>
/// A failover drill as data (a JSON file in <c>drills/</c>): how many payments of which kinds to drive, which faults to set on
/// which simulated network and when, how long to wait for recovery, and what must hold at the end.
/// </summary>
public sealed record Scenario
{
    /// <summary>A short name, e.g. <c>primary-outage</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the drill rehearses, in a sentence or two (shown in the report).</summary>
    public required string Description { get; init; }

    /// <summary>How many payments are created (<c>--payments</c> overrides it).</summary>
    public required int Payments { get; init; }

    /// <summary>How many payments are in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>The most payments started per second (null: as fast as <see cref="Concurrency"/> allows), so that the payments span the phases.</summary>
    public double? Rate { get; init; }

    /// <summary>The kinds of payment, drawn by weight.</summary>
    public required IReadOnlyList<PaymentKind> Mix { get; init; }

    /// <summary>The faults, in the order they start.</summary>
    public IReadOnlyList<FaultPhase> Phases { get; init; } = [];

    /// <summary>The longest wait, after the payments and with every fault stopped, for the payments to reach a final state.</summary>
    public int RecoverySeconds { get; init; } = 30;

    /// <summary>What must hold besides "no money lost, none charged twice" (which always must).</summary>
    public Expectations Expect { get; init; } = new();

    /// <summary>The seed of the draws (kinds and amounts), so that a drill can be repeated.</summary>
    public int Seed { get; init; } = 20261129;
}

/// <summary>One kind of payment in a drill's mix.</summary>
public sealed record PaymentKind
{
    /// <summary>Its share of the payments, relative to the other kinds' weights.</summary>
    public required int Weight { get; init; }

    /// <summary>
    /// The payment method asked for: <c>auto</c> (no preference: the gateway's routing picks, and fails over), <c>alipay</c>,
    /// <c>wechatpay</c>, <c>unionpay</c> (a preferred channel) or <c>card</c> (the card network's test card).
    /// </summary>
    public string Method { get; init; } = "auto";

    /// <summary>The ISO 4217 currency.</summary>
    public string Currency { get; init; } = "CNY";

    /// <summary>The amounts in minor units, drawn evenly between the two.</summary>
    public required AmountRange Amount { get; init; }

    /// <summary><c>personal</c> or <c>enterprise</c> (an enterprise's large amounts go to bank transfer).</summary>
    public string Customer { get; init; } = "personal";

    /// <summary>The customer's device, e.g. <c>mobile</c> or <c>pc</c>.</summary>
    public string Device { get; init; } = "mobile";
}

/// <summary>A range of amounts in minor units.</summary>
public sealed record AmountRange
{
    public required long Min { get; init; }
    public required long Max { get; init; }
}

/// <summary>Faults set on one network at <see cref="At"/> seconds into the drill, for <see cref="For"/> seconds (or until the payments are done).</summary>
public sealed record FaultPhase
{
    /// <summary>Seconds after the first payment.</summary>
    public required double At { get; init; }

    /// <summary>How long the faults last; null: until every payment was created.</summary>
    public double? For { get; init; }

    /// <summary>The simulated network: alipay, wechatpay, unionpay, card, bank or swift.</summary>
    public required string Network { get; init; }

    /// <summary>The faults (the simulators' FaultPlan).</summary>
    public required PhaseFaults Faults { get; init; }
}

/// <summary>
/// The simulators' <c>FaultPlan</c> as a scenario writes it; <see cref="Outage"/> stands for <c>OutageUntil</c> (the end of the
/// phase), since a scenario speaks in seconds from its start, not in clock times.
/// </summary>
public sealed record PhaseFaults
{
    public int LatencyMs { get; init; }
    public double ErrorRate { get; init; }
    public string? ErrorCode { get; init; }
    public double LoseResponseRate { get; init; }
    public double TamperRate { get; init; }
    public double TimeoutRate { get; init; }
    public int? TimeoutMs { get; init; }

    /// <summary>Every call gets HTTP 503, unprocessed, for the whole phase (needs <see cref="FaultPhase.For"/>).</summary>
    public bool Outage { get; init; }

    /// <summary>After this many faults the plan injects no more.</summary>
    public int? Limit { get; init; }

    /// <summary>Only these methods of the network's protocol (e.g. <c>alipay.trade.query</c>, <c>collection</c>); empty: all.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];
}

/// <summary>Thresholds a drill must meet, besides keeping every payment's money right.</summary>
public sealed record Expectations
{
    /// <summary>The least share (0..1) of payments that end SUCCEEDED.</summary>
    public double? MinSuccessRate { get; init; }

    /// <summary>The most payments still in no final state after the recovery wait.</summary>
    public int? MaxUnresolved { get; init; }

    /// <summary>The least number of payments that moved to another channel (a drill of an outage expects failovers).</summary>
    public int? MinFailovers { get; init; }
}
