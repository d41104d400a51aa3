using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.UnionPay;

/// <summary>The simulated UnionPay's settlement files: file transfer (<c>txnType=76</c>, <c>fileType=00</c>).</summary>
public sealed partial class UnionPaySimulator
{
    /// <summary>Basis points of each consume UnionPay keeps as its fee (0.5%).</summary>
    public const int FeeBasisPoints = 50;

    /// <summary>How this network's settlement files depart from what it settled (for tests and drills).</summary>
    public SettlementFaults Settlement { get; } = new();

    /// <summary>
    /// <c>fileTransfer.do</c>: verifies the request as every back request (signature under the merchant's certificate), then
    /// answers the settlement file of <c>settleDate</c> (MMDD, this year or, when that is still to come, last year) in
    /// <c>fileContent</c> (zlib deflate, Base64) with its <c>fileName</c>.
    /// </summary>
    internal Dictionary<string, string> FileTransfer(IReadOnlyDictionary<string, string> fields)
    {
        var answer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "version", "encoding", "signMethod", "txnType", "txnSubType", "bizType", "accessType", "merId", "settleDate", "txnTime", "fileType" })
        {
            if (fields.TryGetValue(name, out var value))
            {
                answer[name] = value;
            }
        }
        foreach (var name in new[] { "version", "encoding", "signMethod", "txnType", "merId", "settleDate", "txnTime", "fileType", "certId", "signature" })
        {
            if (string.IsNullOrEmpty(fields.GetValueOrDefault(name)))
            {
                return Answer(answer, "13", $"缺少必填字段[{name}]");
            }
        }
        (string CertId, RSA Key) merchant;
        lock (_gate)
        {
            if (!_merchants.TryGetValue(fields["merId"], out merchant))
            {
                return Answer(answer, "31", "商户状态不正确");
            }
        }
        if (merchant.CertId != fields["certId"] || !UnionPaySimSignature.Verify(fields, merchant.Key))
        {
            return Answer(answer, "11", "验证签名失败");
        }
        if (fields["txnType"] != "76" || fields["fileType"] != "00")
        {
            return Answer(answer, "10", "报文格式错误[txnType/fileType]");
        }
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().ToOffset(BeijingOffset).DateTime);
        if (!DateOnly.TryParseExact($"{today.Year}{fields["settleDate"]}", "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Answer(answer, "10", "报文格式错误[settleDate]");
        }
        if (day > today)
        {
            day = day.AddYears(-1);
        }
        var settled = Settlement.Apply(SettledOn(fields["merId"], day), _clock.GetUtcNow(), "CNY", "00",
            () => RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture));
        var text = Settlement.Damage(UnionPaySettlementWriter.Write(settled, day));
        using var buffer = new MemoryStream();
        using (var deflate = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }
        answer["fileName"] = $"INN{day:yyMMdd}88ZM_{fields["merId"]}";
        // A day with nothing settled is still a file: the zlib stream of no bytes (DeflateStream writes nothing for no input).
        answer["fileContent"] = Convert.ToBase64String(text.Length == 0 ? [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01] : buffer.ToArray());
        return Answer(answer, "00", "成功[0000000]");
    }

    /// <summary>What this merchant's orders really settled on a (Beijing) day: each consume and each refund in the ledger.</summary>
    public IReadOnlyList<SettledTransaction> SettledOn(string merId, DateOnly day)
    {
        lock (_gate)
        {
            var mine = _orders.Values.Where(o => o.MerId == merId).Select(o => o.OrderId)
                .Concat(_refunds.Values.Where(r => r.MerId == merId).Select(r => r.OrderId)).ToHashSet(StringComparer.Ordinal);
            return _ledger
                .Where(e => SettledTransaction.OnDay(e.Time, day, BeijingOffset) && mine.Contains(e.OrderId))
                .Select(e => e.Kind == "refund"
                    ? new SettledTransaction("refund", e.OrigOrderId ?? "", e.OrderId, e.QueryId ?? "", e.Amount, "CNY", SettledTransaction.Fee(e.Amount, FeeBasisPoints, true), "00", e.Time)
                    : new SettledTransaction("payment", e.OrderId, null, e.QueryId ?? "", e.Amount, "CNY", SettledTransaction.Fee(e.Amount, FeeBasisPoints, false), "00", e.Time))
                .ToList();
        }
    }
}
