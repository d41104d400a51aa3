namespace Paygate.Gateway.Reports;

/// <summary>
/// A bill's sums, added up line by line as the bill is walked (so that they cost memory per project, department and channel,
/// not per payment): one total per currency, and subtotals by project, department, channel and currency.
/// </summary>
public sealed class BillTotals
{
    private readonly SortedDictionary<string, BillSum> _totals = new(StringComparer.Ordinal);
    private readonly SortedDictionary<BillSubtotalKey, BillSum> _subtotals = new();

    /// <summary>One sum per currency, by currency code.</summary>
    public IReadOnlyDictionary<string, BillSum> Totals => _totals;

    /// <summary>The subtotals, sorted by project, department, channel and currency.</summary>
    public IReadOnlyDictionary<BillSubtotalKey, BillSum> Subtotals => _subtotals;

    public void Add(BillLine line)
    {
        Sum(_totals, line.Currency).Add(line);
        Sum(_subtotals, new BillSubtotalKey(line.Project, line.DepartmentCode, line.Channel, line.Currency)).Add(line);
    }

    private static BillSum Sum<TKey>(SortedDictionary<TKey, BillSum> sums, TKey key)
        where TKey : notnull
    {
        if (!sums.TryGetValue(key, out var sum))
        {
            sums[key] = sum = new BillSum();
        }
        return sum;
    }
}

/// <summary>What a subtotal is keyed by.</summary>
public sealed record BillSubtotalKey(string Project, string DepartmentCode, string Channel, string Currency) : IComparable<BillSubtotalKey>
{
    public int CompareTo(BillSubtotalKey? other)
    {
        if (other is null)
        {
            return 1;
        }
        var order = string.CompareOrdinal(Project, other.Project);
        order = order != 0 ? order : string.CompareOrdinal(DepartmentCode, other.DepartmentCode);
        order = order != 0 ? order : string.CompareOrdinal(Channel, other.Channel);
        return order != 0 ? order : string.CompareOrdinal(Currency, other.Currency);
    }
}

/// <summary>The running sums of some bill lines in one currency.</summary>
public sealed class BillSum
{
    public long PaidMinor { get; private set; }
    /// <summary>What refunds gave back, as a positive number.</summary>
    public long RefundedMinor { get; private set; }
    public long NetMinor => PaidMinor - RefundedMinor;
    public int PaymentCount { get; private set; }
    public int RefundCount { get; private set; }
    /// <summary>How many payments the channel settled in another currency.</summary>
    public int ConvertedCount { get; private set; }

    public void Add(BillLine line)
    {
        if (line.IsRefund)
        {
            RefundedMinor -= line.AmountMinor;
            RefundCount++;
        }
        else
        {
            PaidMinor += line.AmountMinor;
            PaymentCount++;
            ConvertedCount += line.Conversion is null ? 0 : 1;
        }
    }
}
