namespace Paygate.Simulators.Settlement;

/// <summary>An extra line to report: a transaction the merchant never made.</summary>
/// <param name="Reference">Its order number.</param>
/// <param name="AmountMinor">Its amount.</param>
/// <param name="Kind"><c>payment</c> (default) or <c>refund</c> (then <paramref name="RefundReference"/>).</param>
/// <param name="RefundReference">The refund's number.</param>
public sealed record UnknownSettlementLine(string Reference, long AmountMinor, string? Kind = null, string? RefundReference = null);

/// <summary>
/// How a simulated network's settlement file departs from what it really settled, for tests and drills: drop a line,
/// report another amount or another state, list a line twice, add a line for an order nobody made, or damage a line so the file no longer
/// parses. Lines are named by their order number (a payment) or their refund number (a refund).
/// </summary>
public sealed record SettlementFaultPlan
{
    public IReadOnlyList<string> Drop { get; init; } = [];

    /// <summary>Reference -> the amount to report instead.</summary>
    public IReadOnlyDictionary<string, long> Amounts { get; init; } = new Dictionary<string, long>();

    /// <summary>Reference -> the state to report instead, in the network's words (where its format has a state).</summary>
    public IReadOnlyDictionary<string, string> States { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<UnknownSettlementLine> Unknown { get; init; } = [];

    /// <summary>References whose line the file lists twice (the network settling the same order or refund again).</summary>
    public IReadOnlyList<string> Duplicate { get; init; } = [];

    /// <summary>When above 0, that line of the file (1-based, of the text as written) is replaced by garbage.</summary>
    public int CorruptLine { get; init; }
}

/// <summary>The fault plan of one simulated network's settlement files; thread-safe (the plan is replaced whole).</summary>
public sealed class SettlementFaults
{
    private volatile SettlementFaultPlan _plan = new();

    public SettlementFaultPlan Plan
    {
        get => _plan;
        set => _plan = value;
    }

    /// <summary>
    /// What the file reports: the settled transactions with the plan applied. <paramref name="unknownState"/> and
    /// <paramref name="unknownTransactionId"/> give an invented line its network's words.
    /// </summary>
    public IReadOnlyList<SettledTransaction> Apply(IReadOnlyList<SettledTransaction> settled, DateTimeOffset time, string currency, string unknownState,
        Func<string> unknownTransactionId)
    {
        var plan = _plan;
        var result = new List<SettledTransaction>();
        foreach (var line in settled)
        {
            var key = line.RefundReference ?? line.OrderReference;
            if (plan.Drop.Contains(key))
            {
                continue;
            }
            var changed = line;
            if (plan.Amounts.TryGetValue(key, out var amount))
            {
                changed = changed with { AmountMinor = amount };
            }
            if (plan.States.TryGetValue(key, out var state))
            {
                changed = changed with { State = state };
            }
            result.Add(changed);
            if (plan.Duplicate.Contains(key))
            {
                result.Add(changed);
            }
        }
        result.AddRange(plan.Unknown.Select(u => new SettledTransaction(u.Kind ?? "payment", u.Reference, u.RefundReference, unknownTransactionId(), u.AmountMinor, currency, 0,
            unknownState, time)));
        return result;
    }

    /// <summary>The file's text with the plan's damaged line, if any.</summary>
    public string Damage(string text)
    {
        var line = _plan.CorruptLine;
        if (line <= 0)
        {
            return text;
        }
        var lines = text.Split('\n');
        if (line <= lines.Length)
        {
            lines[line - 1] = "corrupted,line" + (lines[line - 1].EndsWith('\r') ? "\r" : "");
        }
        return string.Join('\n', lines);
    }
}
