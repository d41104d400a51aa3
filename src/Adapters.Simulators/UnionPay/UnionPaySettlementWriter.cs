using System.Globalization;
using System.Text;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.UnionPay;

/// <summary>
/// Writes the merchant settlement file: fixed-width records, fields separated by one space: <c>txnType</c> 2, <c>queryId</c> 21,
/// <c>orderId</c> 40, <c>origOrderId</c> 40, <c>txnTime</c> 14, <c>txnAmt</c> 12 (fen), fee 12 (sign and 11 digits),
/// <c>currencyCode</c> 3, <c>respCode</c> 2, <c>settleDate</c> 4 (MMDD).
/// </summary>
public static class UnionPaySettlementWriter
{
    public static string Write(IReadOnlyList<SettledTransaction> lines, DateOnly day)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            var refund = line.Kind == "refund";
            string[] fields =
            [
                refund ? "04" : "01",
                line.TransactionId.PadRight(21)[..21],
                (refund ? line.RefundReference ?? "" : line.OrderReference).PadRight(40),
                (refund ? line.OrderReference : "").PadRight(40),
                line.Time.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
                line.AmountMinor.ToString("D12", CultureInfo.InvariantCulture),
                (line.FeeMinor < 0 ? "-" : "+") + Math.Abs(line.FeeMinor).ToString("D11", CultureInfo.InvariantCulture),
                "156",
                line.State.PadRight(2)[..2],
                day.ToString("MMdd", CultureInfo.InvariantCulture),
            ];
            text.Append(string.Join(' ', fields)).Append("\r\n");
        }
        return text.ToString();
    }
}
