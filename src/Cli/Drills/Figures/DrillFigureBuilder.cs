using System.Text.RegularExpressions;
using Paygate.Cli.Drills.Ledger;
using Paygate.Cli.Drills.Running;
using Paygate.Cli.Drills.Scenarios;
using Paygate.Cli.Drills.Simulators;
using Paygate.V1;

namespace Paygate.Cli.Drills.Figures;

/// <summary>Turns a finished drill's payments, phases and the networks' ledgers into its <see cref="DrillFigures"/>.</summary>
public static partial class DrillFigureBuilder
{
    public static DrillFigures Build(Scenario scenario, IReadOnlyList<DrillPayment> payments, IReadOnlyList<AppliedPhase> phases,
        IReadOnlyList<LedgerEntry> ledgers, DateTimeOffset startedAt, double createSeconds, double totalSeconds)
    {
        var verdict = CheckMoney(payments, ledgers);
        var succeeded = payments.Count(p => p.Final?.State == Payment.Types.State.Succeeded);
        var created = payments.Count(p => p.Id is not null);
        var counts = new PaymentCounts(
            payments.Count,
            created,
            payments.Count - created,
            payments.Count(p => p.Paid),
            succeeded,
            payments.Count(p => p.Final?.State == Payment.Types.State.Failed),
            verdict.Unresolved.Count);
        var successRate = payments.Count == 0 ? 0 : (double)succeeded / payments.Count;
        var failovers = payments
            .Select(p => p.Final?.Attempts.Select(a => a.Channel).ToList())
            .Where(channels => channels is not null && channels.Distinct().Count() > 1)
            .GroupBy(channels => (From: channels![0], To: channels[^1]))
            .Select(g => new Failover(g.Key.From, g.Key.To, g.Count()))
            .OrderByDescending(f => f.Count).ThenBy(f => f.From, StringComparer.Ordinal)
            .ToList();
        var ledger = new LedgerFigures(verdict.Lost, verdict.ChargedTwice, verdict.Wrong, verdict.Unresolved, verdict.SecondChargesRefunded);
        var expectations = Expectations(scenario.Expect, successRate, verdict.Unresolved.Count, failovers.Sum(f => f.Count));
        var moneyRight = !verdict.Violations.Any();
        return new DrillFigures
        {
            Scenario = scenario.Name,
            Description = scenario.Description,
            StartedAt = startedAt,
            CreateSeconds = Math.Round(createSeconds, 3),
            TotalSeconds = Math.Round(totalSeconds, 3),
            Payments = counts,
            SuccessRate = Math.Round(successRate, 4),
            Throughput = createSeconds > 0 ? Math.Round(created / createSeconds, 2) : 0,
            LatencyMs = Of(payments.Select(p => p.Latency.TotalMilliseconds)),
            Seconds = PerSecond(payments),
            Failovers = failovers,
            Outcomes = Count(payments.Select(Outcome)),
            AttemptErrors = Count(payments.SelectMany(p => p.Final?.Attempts ?? []).Select(a => a.ErrorCode).Where(c => c.Length > 0)),
            Phases = phases.Select(p => new PhaseFigures(p.Network, Math.Round(p.StartedAt, 1), p.EndedAt is { } end ? Math.Round(end, 1) : null, p.Faults)).ToList(),
            Ledger = ledger,
            Expectations = expectations,
            MoneyRight = moneyRight,
            Passed = moneyRight && expectations.All(e => e.Met),
        };
    }

    /// <summary>The ledger check of <see cref="LedgerCheck"/> on what the networks' ledgers say each attempt moved.</summary>
    private static LedgerVerdict CheckMoney(IReadOnlyList<DrillPayment> payments, IReadOnlyList<LedgerEntry> ledgers)
    {
        var moved = ledgers
            .GroupBy(e => (e.Network, Reference: e.Network == "unionpay" && e.Kind == "refund" ? RefundSuffix().Replace(e.Reference, "") : e.Reference, e.Kind))
            .ToDictionary(g => g.Key, g => g.Count());
        var bankEntries = payments.Where(p => p.BankEntryFor is not null).ToDictionary(p => p.BankEntryFor!, p => p.BankEntry!, StringComparer.Ordinal);
        Money Money(CheckedAttempt attempt)
        {
            if (attempt.Channel == "banktransfer")
            {
                // The bank's ledger names a credit by its own entry reference: the payer kept the one of its transfer.
                return new(bankEntries.TryGetValue(attempt.Reference, out var entry) ? moved.GetValueOrDefault(("bank", entry, "credit")) : 0,
                    moved.GetValueOrDefault(("bank", attempt.Reference, "refund")));
            }
            return new(moved.GetValueOrDefault((attempt.Channel, attempt.Reference, "charge")), moved.GetValueOrDefault((attempt.Channel, attempt.Reference, "refund")));
        }
        return LedgerCheck.Check(payments.Where(p => p.Id is not null).Select(p => (p.Id!, p.Final is { } f ? Checked(f) : null)), Money);
    }

    private static CheckedPayment Checked(Payment payment) => new(
        payment.Id,
        payment.State switch
        {
            Payment.Types.State.Succeeded => CheckedState.Succeeded,
            Payment.Types.State.Failed => CheckedState.Failed,
            Payment.Types.State.Canceled => CheckedState.Canceled,
            Payment.Types.State.Expired => CheckedState.Expired,
            Payment.Types.State.RequiresAction => CheckedState.RequiresAction,
            _ => CheckedState.Processing,
        },
        payment.Attempts.Select(a => new CheckedAttempt(a.Channel, a.ChannelReference, a.State is Attempt.Types.State.Unknown or Attempt.Types.State.Pending)).ToList());

    private static string Outcome(DrillPayment payment) => payment switch
    {
        { Lost: true } => "LOST",
        { Final: { State: Payment.Types.State.Failed } failed } => failed.Error?.Code is { Length: > 0 } code ? code : "FAILED",
        { Final: { } final } => StateName(final.State),
        _ => payment.RefusedWith ?? "NOT_CREATED",
    };

    /// <summary>A state as the API's enum names it (SUCCEEDED, REQUIRES_ACTION...).</summary>
    private static string StateName(Payment.Types.State state) =>
        Payment.Descriptor.FindFieldByName("state").EnumType.FindValueByNumber((int)state).Name.Replace("STATE_", "", StringComparison.Ordinal);

    private static IReadOnlyList<SecondFigures> PerSecond(IReadOnlyList<DrillPayment> payments)
    {
        if (payments.Count == 0)
        {
            return [];
        }
        var last = (int)payments.Max(p => p.Started.TotalSeconds);
        var bySecond = payments.ToLookup(p => (int)p.Started.TotalSeconds);
        return Enumerable.Range(0, last + 1).Select(second =>
        {
            var started = bySecond[second].ToList();
            var ok = started.Count(p => p.Final?.State == Payment.Types.State.Succeeded);
            var latency = Of(started.Select(p => p.Latency.TotalMilliseconds));
            return new SecondFigures(second, started.Count, ok, started.Count == 0 ? 0 : Math.Round((double)ok / started.Count, 4), latency.P50, latency.P95, latency.P99);
        }).ToList();
    }

    private static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double Rank(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
        return new Percentiles(Rank(0.50), Rank(0.95), Rank(0.99));
    }

    private static IReadOnlyList<CodeCount> Count(IEnumerable<string> codes) =>
        codes.GroupBy(c => c, StringComparer.Ordinal).Select(g => new CodeCount(g.Key, g.Count()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();

    private static IReadOnlyList<ExpectationResult> Expectations(Expectations expect, double successRate, int unresolved, int failovers)
    {
        var results = new List<ExpectationResult>();
        if (expect.MinSuccessRate is { } min)
        {
            results.Add(new("minSuccessRate", min, Math.Round(successRate, 4), successRate >= min));
        }
        if (expect.MaxUnresolved is { } max)
        {
            results.Add(new("maxUnresolved", max, unresolved, unresolved <= max));
        }
        if (expect.MinFailovers is { } least)
        {
            results.Add(new("minFailovers", least, failovers, failovers >= least));
        }
        return results;
    }

    /// <summary>A UnionPay refund order's own suffix after its attempt's reference: R1 for the refund of a second success, Fnn for a merchant's refund.</summary>
    [GeneratedRegex("(R[0-9]+|F[0-9]{2})$")]
    private static partial Regex RefundSuffix();
}
