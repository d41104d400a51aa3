using System.Globalization;
using System.Text;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Card;

/// <summary>
/// Writes the acquirer's daily settlement report: CSV with <c>batch_id,payout_id,type,reference,refund_reference,transaction_id,
/// currency,gross,fee,net,booked_at</c>, amounts in minor units; <c>net</c> is <c>gross - fee</c> for a capture and
/// <c>-gross - fee</c> for a refund or chargeback.
/// </summary>
public static class CardSettlementReportWriter
{
    public static string Write(string merchantAccount, DateOnly day, IReadOnlyList<SettledTransaction> lines)
    {
        var text = new StringBuilder("batch_id,payout_id,type,reference,refund_reference,transaction_id,currency,gross,fee,net,booked_at\n");
        var batch = $"bat_{merchantAccount}_{day:yyyyMMdd}";
        var payout = $"po_{day:yyyyMMdd}_{Math.Abs(merchantAccount.GetHashCode(StringComparison.Ordinal)) % 100_000:D5}";
        foreach (var line in lines)
        {
            var type = line.Kind switch { "refund" => "refunded", "chargeback" => "charged_back", _ => line.State };
            var net = type == "captured" ? line.AmountMinor - line.FeeMinor : -line.AmountMinor - line.FeeMinor;
            text.Append(CultureInfo.InvariantCulture,
                $"{batch},{payout},{type},{line.OrderReference},{line.RefundReference},{line.TransactionId},{line.Currency},{line.AmountMinor},{line.FeeMinor},{net},{line.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\n");
        }
        return text.ToString();
    }
}
