using System.Globalization;
using System.Text;
using Paygate.Adapters.Money;

namespace Paygate.Gateway.Reports;

/// <summary>
/// A bill as CSV (RFC 4180): a header, one row per line item as it is read, then a subtotal row per project, department, channel
/// and currency and a total row per currency. Amounts are written in major units with exactly the currency's minor digits (from
/// the integer minor units, never through floating point); text that a spreadsheet would take for a formula is quoted with a
/// leading apostrophe.
/// </summary>
public static class BillCsv
{
    public const string Header =
        "kind,time,payment_id,refund_id,project,department_code,account,channel,amount,currency,settlement_amount,settlement_currency,fx_rate,fx_quote_id,description,count";

    /// <summary>Writes the bill, flushing every <paramref name="flushEvery"/> rows so that a large bill streams.</summary>
    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<BillLine> lines, TimeSpan offset, int flushEvery, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(Header + "\r\n");
        var totals = new BillTotals();
        var rows = 0;
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            totals.Add(line);
            await writer.WriteAsync(Row(line, offset));
            if (++rows % flushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        foreach (var (key, sum) in totals.Subtotals)
        {
            await writer.WriteAsync(Join("subtotal", "", "", "", key.Project, key.DepartmentCode, "", key.Channel, Amount(sum.NetMinor, key.Currency), key.Currency,
                "", "", "", "", $"paid {Amount(sum.PaidMinor, key.Currency)}, refunded {Amount(sum.RefundedMinor, key.Currency)}", Count(sum)));
        }
        foreach (var (currency, sum) in totals.Totals)
        {
            await writer.WriteAsync(Join("total", "", "", "", "", "", "", "", Amount(sum.NetMinor, currency), currency, "", "", "", "",
                $"paid {Amount(sum.PaidMinor, currency)}, refunded {Amount(sum.RefundedMinor, currency)}, converted payments {sum.ConvertedCount.ToString(CultureInfo.InvariantCulture)}",
                Count(sum)));
        }
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One line item's row.</summary>
    public static string Row(BillLine line, TimeSpan offset) => Join(
        line.IsRefund ? "refund" : "payment",
        line.Time.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        line.PaymentId, line.RefundId ?? "", line.Project, line.DepartmentCode, line.Account, line.Channel,
        Amount(line.AmountMinor, line.Currency), line.Currency,
        line.Conversion is { } c ? Amount(c.SettlementAmountMinor, c.SettlementCurrency) : "",
        line.Conversion?.SettlementCurrency ?? "",
        line.Conversion?.Rate.ToString(CultureInfo.InvariantCulture) ?? "",
        line.Conversion?.QuoteId ?? "",
        line.Description, "1");

    /// <summary>Minor units as a major-unit decimal with the currency's exponent (<c>-1234 CNY</c> is <c>-12.34</c>, <c>500 JPY</c> is <c>500</c>).</summary>
    public static string Amount(long minor, string currency) =>
        Currency.TryFind(currency, out var c) ? new Money(minor, c).ToMajorUnitString() : minor.ToString(CultureInfo.InvariantCulture);

    private static string Count(BillSum sum) => (sum.PaymentCount + sum.RefundCount).ToString(CultureInfo.InvariantCulture);

    private static string Join(params string[] fields)
    {
        var row = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                row.Append(',');
            }
            row.Append(Field(fields[i], numeric: i is 8 or 10 or 12));
        }
        return row.Append("\r\n").ToString();
    }

    private static string Field(string value, bool numeric)
    {
        if (!numeric && value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
