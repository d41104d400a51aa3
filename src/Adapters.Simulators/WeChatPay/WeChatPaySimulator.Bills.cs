using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.WeChatPay;

/// <summary>The simulated WeChat Pay's trade bills: the bill application and the file it points at.</summary>
public sealed partial class WeChatPaySimulator
{
    /// <summary>Basis points of each payment WeChat Pay keeps as its fee (0.6%).</summary>
    public const int FeeBasisPoints = 60;

    private readonly ConcurrentDictionary<string, (string MchId, byte[] File)> _bills = new(StringComparer.Ordinal);

    /// <summary>How this network's trade bills depart from what it settled (for tests and drills).</summary>
    public SettlementFaults Settlement { get; } = new();

    /// <summary>
    /// <c>GET /v3/bill/tradebill</c>: writes the day's bill and answers where to download it, with its SHA1. Only
    /// <c>bill_type</c> ALL, SUCCESS and REFUND; a day still to come has no bill.
    /// </summary>
    internal WeChatPayAnswer TradeBill(WeChatPayMerchant merchant, string billDate, string billType, string baseUrl)
    {
        if (!DateOnly.TryParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "bill_date格式错误");
        }
        if (billType is not ("ALL" or "SUCCESS" or "REFUND"))
        {
            return WeChatPayAnswer.Error(400, "PARAM_ERROR", "bill_type参数错误");
        }
        if (day > DateOnly.FromDateTime(Clock.GetUtcNow().ToOffset(BeijingOffset).DateTime))
        {
            return WeChatPayAnswer.Error(400, "NO_STATEMENT_EXIST", "账单文件不存在");
        }
        var settled = Settlement.Apply(SettledOn(merchant.MchId, day), Clock.GetUtcNow(), "CNY", "SUCCESS",
            () => "4200" + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture));
        var chosen = settled.Where(l => billType == "ALL" || (billType == "REFUND") == (l.Kind == "refund")).ToList();
        var file = Encoding.UTF8.GetBytes(Settlement.Damage(WeChatPayTradeBillWriter.Write(merchant.AppId, merchant.MchId, chosen)));
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _bills[token] = (merchant.MchId, file);
        return new WeChatPayAnswer(200, new JsonObject
        {
            ["download_url"] = $"{baseUrl.TrimEnd('/')}/v3/billdownload/file?token={token}",
            ["hash_type"] = "SHA1",
            ["hash_value"] = Convert.ToHexStringLower(SHA1.HashData(file)),
        });
    }

    /// <summary>The bill file a download token names, for the merchant it was issued to; null otherwise.</summary>
    internal byte[]? DownloadBill(WeChatPayMerchant merchant, string token) =>
        _bills.TryGetValue(token, out var bill) && bill.MchId == merchant.MchId ? bill.File : null;

    /// <summary>What this merchant's orders really settled on a (Beijing) day: each payment and each successful refund.</summary>
    public IReadOnlyList<SettledTransaction> SettledOn(string mchId, DateOnly day)
    {
        lock (_gate)
        {
            return _ledger
                .Where(e => SettledTransaction.OnDay(e.Time, day, BeijingOffset) && _orders.ContainsKey((mchId, e.OutTradeNo)))
                .Select(e => e.Kind == "refund"
                    ? new SettledTransaction("refund", e.OutTradeNo, e.OutRefundNo, e.RefundId ?? e.TransactionId, e.AmountFen, "CNY", SettledTransaction.Fee(e.AmountFen, FeeBasisPoints, true),
                        "REFUND", e.Time)
                    : new SettledTransaction("payment", e.OutTradeNo, null, e.TransactionId, e.AmountFen, "CNY", SettledTransaction.Fee(e.AmountFen, FeeBasisPoints, false), "SUCCESS", e.Time))
                .ToList();
        }
    }
}
