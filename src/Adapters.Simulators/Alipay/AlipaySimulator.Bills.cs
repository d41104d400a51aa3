using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Alipay;

/// <summary>The simulated Alipay's trade bills: the download address query and the zips it points at.</summary>
public sealed partial class AlipaySimulator
{
    /// <summary>Basis points of each charge Alipay keeps as its service fee (0.6%).</summary>
    public const int FeeBasisPoints = 60;

    // Download token -> (app, day): the address is the credential, as Alipay's signed, short-lived bill URLs are.
    private readonly ConcurrentDictionary<string, (string AppId, DateOnly Day)> _billTokens = new(StringComparer.Ordinal);

    /// <summary>How this network's trade bills depart from what it settled (for tests and drills).</summary>
    public SettlementFaults Settlement { get; } = new();

    /// <summary>
    /// <c>alipay.data.dataservice.bill.downloadurl.query</c>: a download address for a day's trade bill, under
    /// <paramref name="baseUrl"/> (this simulator's own address). A day still to come has no bill.
    /// </summary>
    internal Dictionary<string, object?> BillDownloadUrl(string appId, JsonElement biz, string baseUrl)
    {
        var type = Str(biz, "bill_type");
        if (type is not ("trade" or "signcustomer"))
        {
            return Error("40004", "isp.bill_type_invalid", "账单类型不合法");
        }
        if (!DateOnly.TryParseExact(Str(biz, "bill_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Error("40002", "isv.invalid-parameter", "bill_date格式不正确");
        }
        if (day > DateOnly.FromDateTime(_clock.GetUtcNow().ToOffset(BeijingOffset).DateTime))
        {
            return Error("40004", "isp.bill_not_exist", "账单不存在");
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _billTokens[token] = (appId, day);
        return new Dictionary<string, object?>
        {
            ["code"] = "10000",
            ["msg"] = "Success",
            ["bill_download_url"] = $"{baseUrl.TrimEnd('/')}/alipay/bill/download?token={token}&downloadFileName={appId}_{day:yyyyMMdd}.csv.zip",
        };
    }

    /// <summary>The zip a download address serves (with its file name), or null for an unknown token.</summary>
    internal (byte[] Zip, string Name)? DownloadBill(string token)
    {
        if (!_billTokens.TryGetValue(token, out var bill))
        {
            return null;
        }
        var settled = Settlement.Apply(SettledOn(bill.AppId, bill.Day), _clock.GetUtcNow(), "CNY", "TRADE_SUCCESS",
            () => "2026" + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture));
        return (AlipayTradeBillWriter.Zip(bill.AppId, bill.Day, settled, _clock.GetUtcNow(), Settlement.Damage), $"{bill.AppId}_{bill.Day:yyyyMMdd}.csv.zip");
    }

    /// <summary>What this app's orders really settled on a (Beijing) day: each charge and each refund in the ledger.</summary>
    public IReadOnlyList<SettledTransaction> SettledOn(string appId, DateOnly day)
    {
        lock (_gate)
        {
            return _ledger
                .Where(e => SettledTransaction.OnDay(e.Time, day, BeijingOffset) && _orders.ContainsKey((appId, e.OutTradeNo)))
                .Select(e => e.Kind == "refund"
                    ? new SettledTransaction("refund", e.OutTradeNo, e.RefundNo, e.TradeNo, e.AmountFen, "CNY", SettledTransaction.Fee(e.AmountFen, FeeBasisPoints, true), "REFUND_SUCCESS", e.Time)
                    : new SettledTransaction("payment", e.OutTradeNo, null, e.TradeNo, e.AmountFen, "CNY", SettledTransaction.Fee(e.AmountFen, FeeBasisPoints, false), "TRADE_SUCCESS", e.Time))
                .ToList();
        }
    }
}
