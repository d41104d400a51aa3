using System.IO.Compression;
using System.Text;
using Paygate.Adapters.Alipay;
using Paygate.Adapters.Card;
using Paygate.Adapters.Contract;
using Paygate.Adapters.UnionPay;
using Paygate.Adapters.WeChatPay;

namespace Paygate.Adapters.Tests.Settlement;

/// <summary>The settlement file readers on hand-written files: what a whole file gives, and the ways a file is refused.</summary>
public sealed class SettlementFileReaderTests
{
    private const string AlipayHeader = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";

    private static string AlipayDetail(string closing = "#交易合计：1笔，退款合计：1笔") => string.Join("\r\n",
        "#支付宝业务明细查询",
        "#账号：[2088000000000001]",
        "#起始日期：[2026年11月28日 00:00:00]   终止日期：[2026年11月29日 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        AlipayHeader,
        "2026112822001\t,PAYA01\t,交易\t,云服务器\t,2026-11-28 10:00:00\t,2026-11-28 10:00:05\t,\t,\t,\t,\t,buyer@example.com\t,12.30\t,12.30\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,-0.07\t,0.00\t,\t",
        "2026112822001\t,PAYA01\t,退款\t,云服务器\t,2026-11-28 11:00:00\t,2026-11-28 11:00:01\t,\t,\t,\t,\t,buyer@example.com\t,12.30\t,-2.30\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,PAYA01F01\t,0.01\t,0.00\t,\t",
        "#-----------------------------------------业务明细列表结束------------------------------------",
        closing,
        "#导出时间：[2026年11月29日 09:00:00]",
        "");

    [Fact]
    public void AlipayTradeBill_ReadsTradeAndRefundRowsBetweenTheSummaryLines()
    {
        var lines = AlipayTradeBill.ReadDetail(AlipayDetail());

        Assert.Equal([(6, SettlementLineKind.Payment, "PAYA01", (string?)null, 1230L, 7L), (7, SettlementLineKind.Refund, "PAYA01", "PAYA01F01", 230L, -1L)],
            lines.Select(l => (l.LineNumber, l.Kind, l.OrderReference, l.RefundReference, l.AmountMinor, l.FeeMinor)));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 2, 0, 5, TimeSpan.Zero), lines[0].Time);
    }

    [Fact]
    public void AlipayTradeBill_ReadsTheZipOfGbkFiles()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("2088000000000001_20261128_业务明细.csv").Open();
            entry.Write(AlipayTradeBill.Gbk.GetBytes(AlipayDetail()));
        }

        var file = AlipayTradeBill.Read(buffer.ToArray(), "bill.csv.zip", new DateOnly(2026, 11, 28));

        Assert.Equal(2, file.Lines.Count);
    }

    [Theory]
    [InlineData("#交易合计：2笔，退款合计：1笔", 9)]
    [InlineData("#导出时间：[2026年11月29日 09:00:00]", 8)]
    public void AlipayTradeBill_WhoseClosingCountsDoNotMatch_IsRefused(string closing, int line)
    {
        var refused = Assert.Throws<SettlementFormatException>(() => AlipayTradeBill.ReadDetail(AlipayDetail(closing)));
        Assert.Equal(line, refused.Line);
    }

    [Fact]
    public void AlipayTradeBill_NotAZip_IsRefusedAsAWhole()
    {
        var refused = Assert.Throws<SettlementFormatException>(() => AlipayTradeBill.Read(Encoding.UTF8.GetBytes("<html>error</html>"), "x", new DateOnly(2026, 11, 28)));
        Assert.Equal(0, refused.Line);
    }

    private const string WeChatHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";

    private static string WeChatBill(string count = "2", string? amount = "`10.00") => string.Join("\r\n",
        WeChatHeader,
        $"`2026-11-28 10:00:00,`wx01,`1900000001,`0,`,`4200001,`WXA01,`oUser,`NATIVE,`SUCCESS,`OTHERS,`CNY,{amount},`0.00,`0,`0,`0.00,`0.00,`,`,`云服务器,`,`0.06000,`0.60%,`10.00,`0.00,`",
        "`2026-11-28 11:00:00,`wx01,`1900000001,`0,`,`,`WXA01,`oUser,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5030001,`WXA01F01,`1.00,`0.00,`ORIGINAL,`SUCCESS,`云服务器,`,`-0.00600,`0.60%,`0.00,`1.00,`",
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
        $"`{count},`10.00,`1.00,`0.00,`0.05400,`10.00,`1.00",
        "");

    [Fact]
    public void WeChatTradeBill_ReadsPaymentAndRefundRows()
    {
        var file = WeChatPayTradeBill.Read(WeChatBill(), "bill.csv", new DateOnly(2026, 11, 28));

        Assert.Equal([(SettlementLineKind.Payment, "WXA01", (string?)null, "4200001", 1000L, 6L), (SettlementLineKind.Refund, "WXA01", "WXA01F01", "5030001", 100L, -1L)],
            file.Lines.Select(l => (l.Kind, l.OrderReference, l.RefundReference, l.TransactionId, l.AmountMinor, l.FeeMinor)));
    }

    [Theory]
    [InlineData("3", "`10.00", 5)]
    [InlineData("2", "10.00", 2)]
    [InlineData("2", "`ten", 2)]
    public void WeChatTradeBill_Malformed_IsRefusedNamingTheLine(string count, string amount, int line)
    {
        var refused = Assert.Throws<SettlementFormatException>(() => WeChatPayTradeBill.Read(WeChatBill(count, amount), "bill.csv", new DateOnly(2026, 11, 28)));
        Assert.Equal(line, refused.Line);
    }

    [Fact]
    public void WeChatTradeBill_WithoutItsSummary_IsRefused()
    {
        var cut = string.Join("\r\n", WeChatBill().Split("\r\n")[..3]);
        Assert.Throws<SettlementFormatException>(() => WeChatPayTradeBill.Read(cut, "bill.csv", new DateOnly(2026, 11, 28)));
    }

    private static string UnionPayRecord(string txnType, string orderId, string origOrderId, long fen, string fee, string respCode = "00") => string.Join(' ',
        txnType, "123456789012345678901", orderId.PadRight(40), origOrderId.PadRight(40), "20261128100000", fen.ToString("D12", System.Globalization.CultureInfo.InvariantCulture), fee, "156",
        respCode, "1128");

    private static string Deflated(string text)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }
        return Convert.ToBase64String(buffer.ToArray());
    }

    [Fact]
    public void UnionPaySettlementFile_ReadsConsumesAndRefundsFromTheDeflatedContent()
    {
        var text = UnionPayRecord("01", "UPA01", "", 8888, "+00000000044") + "\r\n" + UnionPayRecord("04", "UPA01F01", "UPA01", 888, "-00000000004") + "\r\n";

        var file = UnionPaySettlementFile.Read(Deflated(text), "INN26112888ZM_777290058110048", new DateOnly(2026, 11, 28));

        Assert.Equal([(SettlementLineKind.Payment, "UPA01", (string?)null, 8888L, 44L), (SettlementLineKind.Refund, "UPA01", "UPA01F01", 888L, -4L)],
            file.Lines.Select(l => (l.Kind, l.OrderReference, l.RefundReference, l.AmountMinor, l.FeeMinor)));
    }

    [Fact]
    public void UnionPaySettlementFile_CutRecordOrNotDeflated_IsRefused()
    {
        var text = UnionPayRecord("01", "UPA01", "", 8888, "+00000000044") + "\r\n" + UnionPayRecord("01", "UPA02", "", 100, "+00000000001")[..100] + "\r\n";
        Assert.Equal(2, Assert.Throws<SettlementFormatException>(() => UnionPaySettlementFile.Read(Deflated(text), "f", new DateOnly(2026, 11, 28))).Line);
        Assert.Equal(0, Assert.Throws<SettlementFormatException>(() => UnionPaySettlementFile.Read("bm90IGRlZmxhdGVk", "f", new DateOnly(2026, 11, 28))).Line);
    }

    private const string CardHeader = "batch_id,payout_id,type,reference,refund_reference,transaction_id,currency,gross,fee,net,booked_at";

    [Fact]
    public void CardSettlementReport_ReadsCapturesRefundsAndChargebacks()
    {
        var text = CardHeader + "\n"
            + "bat_1,po_1,captured,CARDA01,,pay_1,USD,12000,348,11652,2026-11-28T10:00:00Z\n"
            + "bat_1,po_1,refunded,CARDA01,CARDA01F01,pay_1,USD,2000,0,-2000,2026-11-28T11:00:00Z\n"
            + "bat_1,po_1,charged_back,CARDA02,,pay_2,JPY,15000,1500,-16500,2026-11-28T12:00:00Z\n";

        var file = CardSettlementReport.Read(text, "r.csv", new DateOnly(2026, 11, 28));

        Assert.Equal([(SettlementLineKind.Payment, 12000L, "USD"), (SettlementLineKind.Refund, 2000L, "USD"), (SettlementLineKind.Chargeback, 15000L, "JPY")],
            file.Lines.Select(l => (l.Kind, l.AmountMinor, l.Currency)));
    }

    [Theory]
    [InlineData("bat_1,po_1,captured,CARDA01,,pay_1,USD,12000,348,11000,2026-11-28T10:00:00Z")]
    [InlineData("bat_1,po_1,voided,CARDA01,,pay_1,USD,12000,348,11652,2026-11-28T10:00:00Z")]
    [InlineData("bat_1,po_1,captured,CARDA01,,pay_1,XXX,12000,348,11652,2026-11-28T10:00:00Z")]
    [InlineData("bat_1,po_1,captured,CARDA01,pay_1,USD,12000,348,11652,2026-11-28T10:00:00Z")]
    public void CardSettlementReport_DamagedLine_IsRefusedNamingIt(string line)
    {
        var refused = Assert.Throws<SettlementFormatException>(() => CardSettlementReport.Read(CardHeader + "\n" + line + "\n", "r.csv", new DateOnly(2026, 11, 28)));
        Assert.Equal(2, refused.Line);
    }
}
