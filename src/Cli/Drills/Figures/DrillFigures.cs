namespace Paygate.Cli.Drills.Figures;

/// <summary>
/// Everything a drill measured, as written by <c>--report-json</c> and embedded in the HTML report (whose charts and figures are
/// drawn from it). Times are seconds from the first payment; latencies are the create call's, in milliseconds.
/// </summary>
public sealed record DrillFigures
{
    public required string Scenario { get; init; }
    public required string Description { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long the payments took to create (the faults' time).</summary>
    public required double CreateSeconds { get; init; }

    /// <summary>The whole drill, the recovery wait and the checks included.</summary>
    public required double TotalSeconds { get; init; }

    public required PaymentCounts Payments { get; init; }

    /// <summary>Share of the payments asked for that ended SUCCEEDED.</summary>
    public required double SuccessRate { get; init; }

    /// <summary>Payments created per second while the faults were on.</summary>
    public required double Throughput { get; init; }

    public required Percentiles LatencyMs { get; init; }

    /// <summary>Per second of the drill (by the second a create call started).</summary>
    public required IReadOnlyList<SecondFigures> Seconds { get; init; }

    /// <summary>Payments whose attempts span channels, by the first and the last channel.</summary>
    public required IReadOnlyList<Failover> Failovers { get; init; }

    /// <summary>How each payment ended: SUCCEEDED, the failed payment's PM code, the refused call's PM code, or the state it is stuck in.</summary>
    public required IReadOnlyList<CodeCount> Outcomes { get; init; }

    /// <summary>The PM codes of every attempt that did not succeed (a payment that failed over has one per channel that failed it).</summary>
    public required IReadOnlyList<CodeCount> AttemptErrors { get; init; }

    public required IReadOnlyList<PhaseFigures> Phases { get; init; }

    public required LedgerFigures Ledger { get; init; }

    public required IReadOnlyList<ExpectationResult> Expectations { get; init; }

    /// <summary>No money lost, none charged twice, every payment's money as its state says.</summary>
    public required bool MoneyRight { get; init; }

    /// <summary><see cref="MoneyRight"/> and every expectation met.</summary>
    public required bool Passed { get; init; }
}

/// <summary>How many payments were asked for, acknowledged, and how they ended.</summary>
public sealed record PaymentCounts(int Requested, int Created, int Refused, int PaidByPayer, int Succeeded, int Failed, int Unresolved);

/// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
public sealed record Percentiles(double P50, double P95, double P99);

/// <summary>One second of the drill: create calls started in it, how long they took, and how many of those payments ended SUCCEEDED.</summary>
public sealed record SecondFigures(int Second, int Started, int Succeeded, double SuccessRate, double P50, double P95, double P99);

/// <summary>Payments that moved from one channel to another.</summary>
public sealed record Failover(string From, string To, int Count);

/// <summary>A code and how many times it came.</summary>
public sealed record CodeCount(string Code, int Count);

/// <summary>A fault phase as played.</summary>
public sealed record PhaseFigures(string Network, double StartedAt, double? EndedAt, string Faults);

/// <summary>The money check, with the payments named.</summary>
public sealed record LedgerFigures(IReadOnlyList<string> Lost, IReadOnlyList<string> ChargedTwice, IReadOnlyList<string> Wrong, IReadOnlyList<string> Unresolved, int SecondChargesRefunded);

/// <summary>One threshold of the scenario and whether it was met.</summary>
public sealed record ExpectationResult(string Name, double Expected, double Actual, bool Met);
