using System.Globalization;
using System.Text;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.WeChatPay;

/// <summary>
/// Writes a trade bill (<c>bill_type=ALL</c>) as WeChat Pay serves it: the column header, a row per payment or refund with
/// every field prefixed by a backtick, then the summary header and its one line (counts and totals; fees with five decimals).
/// </summary>
public static class WeChatPayTradeBillWriter
{
    public static readonly string[] Columns =
    [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额",
        "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ];

    public static string Write(string appId, string mchId, IReadOnlyList<SettledTransaction> lines)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var line in lines)
        {
            var refund = line.Kind == "refund";
            var time = line.Time.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            string[] fields =
            [
                time, appId, mchId, "0", "", refund ? "" : line.TransactionId, line.OrderReference, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", refund ? "REFUND" : line.State, "OTHERS", "CNY",
                refund ? "0.00" : Yuan(line.AmountMinor), "0.00", refund ? line.TransactionId : "0", refund ? line.RefundReference ?? "" : "0", refund ? Yuan(line.AmountMinor) : "0.00", "0.00",
                refund ? "ORIGINAL" : "", refund ? line.State == "REFUND" ? "SUCCESS" : line.State : "", "Paygate order", "", Fee(line.FeeMinor), "0.60%",
                refund ? "0.00" : Yuan(line.AmountMinor), refund ? Yuan(line.AmountMinor) : "0.00", "",
            ];
            text.Append(string.Join(',', fields.Select(f => "`" + f))).Append("\r\n");
        }
        var payments = lines.Where(l => l.Kind != "refund").ToList();
        var refunds = lines.Where(l => l.Kind == "refund").ToList();
        text.Append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n");
        string[] summary =
        [
            lines.Count.ToString(CultureInfo.InvariantCulture), Yuan(payments.Sum(p => p.AmountMinor)), Yuan(refunds.Sum(r => r.AmountMinor)), "0.00", Fee(lines.Sum(l => l.FeeMinor)),
            Yuan(payments.Sum(p => p.AmountMinor)), Yuan(refunds.Sum(r => r.AmountMinor)),
        ];
        text.Append(string.Join(',', summary.Select(f => "`" + f))).Append("\r\n");
        return text.ToString();
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Fee(long fen) => (fen / 100m).ToString("0.00000", CultureInfo.InvariantCulture);
}
