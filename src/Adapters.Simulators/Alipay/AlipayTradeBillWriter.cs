using System.Globalization;
using System.IO.Compression;
using System.Text;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Alipay;

/// <summary>
/// Writes a trade bill as Alipay serves it: a zip of two GBK CSV files, the detail (<c>_业务明细.csv</c>: <c>#</c> summary lines,
/// the column header, a row per trade or refund with fields padded by a tab, closing <c>#</c> lines with the counts) and its
/// summary (<c>_业务明细(汇总).csv</c>).
/// </summary>
public static class AlipayTradeBillWriter
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static readonly string[] Columns =
    [
        "支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称", "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）",
        "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）",
        "分润（元）", "备注",
    ];

    static AlipayTradeBillWriter() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] Zip(string account, DateOnly day, IReadOnlyList<SettledTransaction> lines, DateTimeOffset now, Func<string, string> damage)
    {
        var gbk = Encoding.GetEncoding("GBK");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, $"{account}_{day:yyyyMMdd}_业务明细.csv", damage(Detail(account, day, lines, now)), gbk);
            Add(zip, $"{account}_{day:yyyyMMdd}_业务明细(汇总).csv", Summary(account, day, lines), gbk);
        }
        return buffer.ToArray();
    }

    public static string Detail(string account, DateOnly day, IReadOnlyList<SettledTransaction> lines, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.Append("#支付宝业务明细查询\r\n");
        text.Append(CultureInfo.InvariantCulture, $"#账号：[{account}]\r\n");
        text.Append(CultureInfo.InvariantCulture, $"#起始日期：[{day:yyyy年MM月dd日} 00:00:00]   终止日期：[{day.AddDays(1):yyyy年MM月dd日} 00:00:00]\r\n");
        text.Append("#-----------------------------------------业务明细列表----------------------------------------\r\n");
        text.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var line in lines)
        {
            var refund = line.Kind == "refund";
            var time = line.Time.ToOffset(BeijingOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            string[] fields =
            [
                line.TransactionId, line.OrderReference, refund ? "退款" : "交易", "Paygate order", time, time, "", "", "", "", "", Yuan(line.AmountMinor),
                Yuan(refund ? -line.AmountMinor : line.AmountMinor), "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", line.RefundReference ?? "", Yuan(-line.FeeMinor), "0.00", "",
            ];
            text.Append(string.Join(',', fields.Select(f => f + "\t"))).Append("\r\n");
        }
        text.Append("#-----------------------------------------业务明细列表结束------------------------------------\r\n");
        text.Append(CultureInfo.InvariantCulture, $"#交易合计：{lines.Count(l => l.Kind != "refund")}笔，退款合计：{lines.Count(l => l.Kind == "refund")}笔\r\n");
        text.Append(CultureInfo.InvariantCulture, $"#导出时间：[{now.ToOffset(BeijingOffset):yyyy年MM月dd日 HH:mm:ss}]\r\n");
        return text.ToString();
    }

    private static string Summary(string account, DateOnly day, IReadOnlyList<SettledTransaction> lines)
    {
        var trades = lines.Where(l => l.Kind != "refund").ToList();
        var refunds = lines.Where(l => l.Kind == "refund").ToList();
        return "#支付宝业务汇总查询\r\n" +
            $"#账号：[{account}]\r\n" +
            $"#起始日期：[{day:yyyy年MM月dd日} 00:00:00]\r\n" +
            "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,服务费（元）\r\n" +
            $"合计,,{trades.Count},{refunds.Count},{Yuan(trades.Sum(t => t.AmountMinor))},{Yuan(trades.Sum(t => t.AmountMinor) - refunds.Sum(r => r.AmountMinor))},{Yuan(-lines.Sum(l => l.FeeMinor))}\r\n" +
            "#结束\r\n";
    }

    private static void Add(ZipArchive zip, string name, string text, Encoding encoding)
    {
        using var stream = zip.CreateEntry(name).Open();
        var bytes = encoding.GetBytes(text);
        stream.Write(bytes);
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
