using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Alipay;

/// <summary>
/// Reads Alipay's trade bill (<c>bill_type=trade</c>): the zip that <c>bill_download_url</c> serves, holding a detail file
/// (<c>..._业务明细.csv</c>) and a summary file (<c>..._业务明细(汇总).csv</c>), both GBK. The detail file has <c>#</c> summary
/// lines before its column header (account, period) and after its rows (<c>#交易合计：N笔，退款合计：M笔</c>, export time);
/// fields are padded with tabs and spaces. A trade row (<c>业务类型</c> 交易) is a payment of <c>订单金额</c>; a refund row
/// (退款) gives back <c>商家实收</c> (negative) under <c>退款批次号/请求号</c> (<c>out_request_no</c>). <c>服务费</c> is the fee,
/// negative when charged. The counts of the closing summary must match the rows, so a truncated file is refused.
/// </summary>
public static partial class AlipayTradeBill
{
    public const string TradeNo = "支付宝交易号";
    public const string OutTradeNo = "商户订单号";
    public const string BusinessType = "业务类型";
    public const string FinishTime = "完成时间";
    public const string OrderAmount = "订单金额（元）";
    public const string Received = "商家实收（元）";
    public const string RefundNo = "退款批次号/请求号";
    public const string ServiceFee = "服务费（元）";

    static AlipayTradeBill() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>GBK, as Alipay writes its bills.</summary>
    public static Encoding Gbk => Encoding.GetEncoding("GBK");

    /// <summary>Reads the bill zip of <paramref name="date"/>; throws <see cref="SettlementFormatException"/> when it is not a whole, readable bill.</summary>
    public static SettlementFile Read(byte[] zip, string name, DateOnly date)
    {
        ZipArchiveEntry? detail;
        string text;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            detail = archive.Entries.FirstOrDefault(e => e.Name.EndsWith("_业务明细.csv", StringComparison.Ordinal));
            if (detail is null)
            {
                throw new SettlementFormatException("the zip holds no 业务明细 detail file", 0);
            }
            using var reader = new StreamReader(detail.Open(), Gbk);
            text = reader.ReadToEnd();
        }
        catch (InvalidDataException ex)
        {
            throw new SettlementFormatException($"not a zip file: {ex.Message}", 0);
        }
        return new SettlementFile(name, date, ReadDetail(text));
    }

    /// <summary>Reads the detail file's text (already decoded).</summary>
    public static IReadOnlyList<SettlementLine> ReadDetail(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var number = 0;
        while (number < lines.Length && lines[number].StartsWith('#'))
        {
            number++;
        }
        if (number >= lines.Length || lines[number].Length == 0)
        {
            throw new SettlementFormatException("no column header after the opening summary lines", number + 1);
        }
        var header = Split(lines[number]);
        var columns = SettlementText.Columns(header, number + 1, TradeNo, OutTradeNo, BusinessType, FinishTime, OrderAmount, Received, RefundNo, ServiceFee);
        var result = new List<SettlementLine>();
        number++;
        for (; number < lines.Length && !lines[number].StartsWith('#'); number++)
        {
            if (lines[number].Trim().Length == 0)
            {
                continue;
            }
            result.Add(Row(Split(lines[number]), header.Count, columns, number + 1));
        }
        var closing = lines.Skip(number).FirstOrDefault(l => l.StartsWith("#交易合计", StringComparison.Ordinal))
            ?? throw new SettlementFormatException("the closing summary line (#交易合计) is missing: the file is incomplete", number + 1);
        var totals = Totals().Match(closing);
        if (!totals.Success)
        {
            throw new SettlementFormatException($"the closing summary line '{closing}' cannot be read", Array.IndexOf(lines, closing) + 1);
        }
        var trades = int.Parse(totals.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var refunds = int.Parse(totals.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (trades != result.Count(l => l.Kind == SettlementLineKind.Payment) || refunds != result.Count(l => l.Kind == SettlementLineKind.Refund))
        {
            throw new SettlementFormatException($"the closing summary counts {trades} trades and {refunds} refunds, the file has other rows", Array.IndexOf(lines, closing) + 1);
        }
        return result;
    }

    private static SettlementLine Row(List<string> row, int width, Dictionary<string, int> columns, int line)
    {
        if (row.Count != width)
        {
            throw new SettlementFormatException($"{row.Count} fields, the header has {width}", line);
        }
        string F(string name) => SettlementText.Field(row, columns, name);
        var type = F(BusinessType);
        var time = SettlementText.BeijingTime(F(FinishTime), "yyyy-MM-dd HH:mm:ss", line, FinishTime);
        var fee = -SettlementText.Fen(F(ServiceFee), line, ServiceFee);
        if (F(OutTradeNo).Length == 0)
        {
            throw new SettlementFormatException($"{OutTradeNo} is empty", line);
        }
        return type switch
        {
            "交易" => new SettlementLine(line, SettlementLineKind.Payment, F(OutTradeNo), null, F(TradeNo), SettlementText.ExactFen(F(OrderAmount), line, OrderAmount), "CNY", fee,
                "TRADE_SUCCESS", true, time),
            "退款" => new SettlementLine(line, SettlementLineKind.Refund, F(OutTradeNo), F(RefundNo).Length == 0 ? null : F(RefundNo), F(TradeNo),
                Math.Abs(SettlementText.ExactFen(F(Received), line, Received)), "CNY", fee, "REFUND_SUCCESS", true, time),
            _ => throw new SettlementFormatException($"{BusinessType} '{type}' is neither 交易 nor 退款", line),
        };
    }

    /// <summary>Comma-separated fields, each trimmed of the tabs and spaces Alipay pads them with.</summary>
    private static List<string> Split(string line) => line.Split(',').Select(f => f.Trim(' ', '\t')).ToList();

    [GeneratedRegex(@"^#交易合计：(\d+)笔，退款合计：(\d+)笔")]
    private static partial Regex Totals();
}
