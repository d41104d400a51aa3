using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>
/// A group's consolidated bill for a period: the payments created in it that succeeded, with their confirmed refunds as
/// negative lines, and the totals. Every read walks the store a page at a time (<see cref="ReportPayments"/>).
/// </summary>
public sealed class ConsolidatedBills(ReportPayments payments, IOptions<ReportOptions> options)
{
    /// <summary>The bill's period from the request's fields, checked.</summary>
    public ReportPeriod Period(string month, string from, string to) =>
        ReportPeriod.ForBill(month, from, to, options.Value.UtcOffset, options.Value.MaxBillDays);

    /// <summary>The totals over the whole period.</summary>
    public async Task<BillTotals> TotalsAsync(string merchantId, string groupId, ReportPeriod period, CancellationToken cancellationToken)
    {
        var totals = new BillTotals();
        await foreach (var payment in payments.ReadAsync(merchantId, groupId, period, null, cancellationToken))
        {
            foreach (var line in BillLine.Of(payment))
            {
                totals.Add(line);
            }
        }
        return totals;
    }

    /// <summary>
    /// One page of lines: those of up to <paramref name="pageSize"/> billed payments after <paramref name="after"/>, and where the
    /// next page starts (null on the last).
    /// </summary>
    public async Task<(IReadOnlyList<BillLine> Lines, PageCursor? Next)> PageAsync(string merchantId, string groupId, ReportPeriod period, PageCursor? after,
        int pageSize, CancellationToken cancellationToken)
    {
        var lines = new List<BillLine>();
        var billed = 0;
        Payment? last = null;
        await foreach (var payment in payments.ReadAsync(merchantId, groupId, period, after, cancellationToken))
        {
            var of = BillLine.Of(payment).ToList();
            if (of.Count == 0)
            {
                continue;
            }
            if (billed == pageSize)
            {
                return (lines, new PageCursor(last!.CreateTime, last.Id));
            }
            lines.AddRange(of);
            billed++;
            last = payment;
        }
        return (lines, null);
    }

    /// <summary>Every line of the bill, oldest payment first, read a store page at a time.</summary>
    public async IAsyncEnumerable<BillLine> LinesAsync(string merchantId, string groupId, ReportPeriod period,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var payment in payments.ReadAsync(merchantId, groupId, period, null, cancellationToken))
        {
            foreach (var line in BillLine.Of(payment))
            {
                yield return line;
            }
        }
    }
}
