using Paygate.Adapters.Contract;

namespace Paygate.Adapters.WeChatPay;

/// <summary>
/// Reads WeChat Pay's trade bill (<c>GET /v3/bill/tradebill?bill_type=ALL</c>, then its <c>download_url</c>): CSV whose
/// header row is plain and whose every data field starts with a backtick (so that spreadsheets keep long numbers as text);
/// detail rows first, then a summary header (<c>总交易单数,...</c>) and one summary line. A row whose <c>交易状态</c> is
/// <c>REFUND</c> is a refund of <c>退款金额</c> under <c>商户退款单号</c>; any other row is the order's payment of
/// <c>应结订单金额</c>, succeeded when <c>SUCCESS</c>. <c>手续费</c> has five decimals (negative on a refund). The summary's
/// count must match the rows, so a truncated file is refused.
/// </summary>
public static class WeChatPayTradeBill
{
    public const string TradeTime = "交易时间";
    public const string TransactionId = "微信订单号";
    public const string OutTradeNo = "商户订单号";
    public const string TradeState = "交易状态";
    public const string Currency = "货币种类";
    public const string SettlementTotal = "应结订单金额";
    public const string RefundId = "微信退款单号";
    public const string OutRefundNo = "商户退款单号";
    public const string RefundAmount = "退款金额";
    public const string RefundStatus = "退款状态";
    public const string Fee = "手续费";
    public const string SummaryCount = "总交易单数";

    /// <summary>Reads the bill text; throws <see cref="SettlementFormatException"/> when it is not a whole, readable bill.</summary>
    public static SettlementFile Read(string text, string name, DateOnly date)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || lines[0].Length == 0)
        {
            throw new SettlementFormatException("the file is empty", 1);
        }
        var header = lines[0].Split(',');
        var columns = SettlementText.Columns(header, 1, TradeTime, TransactionId, OutTradeNo, TradeState, Currency, SettlementTotal, OutRefundNo, RefundAmount, RefundStatus, Fee);
        var result = new List<SettlementLine>();
        var number = 1;
        for (; number < lines.Length && !lines[number].StartsWith(SummaryCount, StringComparison.Ordinal); number++)
        {
            if (lines[number].Length == 0)
            {
                continue;
            }
            result.Add(Row(Fields(lines[number], number + 1), header.Length, columns, number + 1));
        }
        if (number >= lines.Length)
        {
            throw new SettlementFormatException($"the summary header ({SummaryCount},...) is missing: the file is incomplete", number);
        }
        if (number + 1 >= lines.Length || lines[number + 1].Length == 0)
        {
            throw new SettlementFormatException("the summary line is missing", number + 2);
        }
        var summary = Fields(lines[number + 1], number + 2);
        if (!int.TryParse(summary[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count != result.Count)
        {
            throw new SettlementFormatException($"the summary counts '{summary[0]}' transactions, the file has {result.Count} rows", number + 2);
        }
        return new SettlementFile(name, date, result);
    }

    private static SettlementLine Row(string[] row, int width, Dictionary<string, int> columns, int line)
    {
        if (row.Length != width)
        {
            throw new SettlementFormatException($"{row.Length} fields, the header has {width}", line);
        }
        string F(string name) => SettlementText.Field(row, columns, name);
        var time = SettlementText.BeijingTime(F(TradeTime), "yyyy-MM-dd HH:mm:ss", line, TradeTime);
        var state = F(TradeState);
        var currency = F(Currency) is "CNY" or "" ? "CNY" : throw new SettlementFormatException($"{Currency} '{F(Currency)}' is not CNY", line);
        var fee = SettlementText.Fen(F(Fee), line, Fee);
        if (F(OutTradeNo).Length == 0)
        {
            throw new SettlementFormatException($"{OutTradeNo} is empty", line);
        }
        if (state == "REFUND")
        {
            if (F(OutRefundNo).Length == 0)
            {
                throw new SettlementFormatException($"a refund row without {OutRefundNo}", line);
            }
            return new SettlementLine(line, SettlementLineKind.Refund, F(OutTradeNo), F(OutRefundNo), F(RefundId).Length == 0 ? F(TransactionId) : F(RefundId),
                SettlementText.ExactFen(F(RefundAmount), line, RefundAmount), currency, fee, F(RefundStatus), F(RefundStatus) == "SUCCESS", time);
        }
        return new SettlementLine(line, SettlementLineKind.Payment, F(OutTradeNo), null, F(TransactionId),
            SettlementText.ExactFen(F(SettlementTotal), line, SettlementTotal), currency, fee, state, state == "SUCCESS", time);
    }

    /// <summary>A data line's fields without their leading backtick; a field without one means the line is not the bill's.</summary>
    private static string[] Fields(string line, int number)
    {
        var fields = line.Split(',');
        for (var i = 0; i < fields.Length; i++)
        {
            if (!fields[i].StartsWith('`'))
            {
                throw new SettlementFormatException($"field {i + 1} does not start with a backtick", number);
            }
            fields[i] = fields[i][1..];
        }
        return fields;
    }
}
