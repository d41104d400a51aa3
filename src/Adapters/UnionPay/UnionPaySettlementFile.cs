using System.Globalization;
using System.IO.Compression;
using System.Text;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.UnionPay;

/// <summary>
/// Reads UnionPay's merchant settlement file, fetched by <c>fileTransfer.do</c> (<c>txnType=76</c>, <c>fileType=00</c>,
/// <c>settleDate=MMDD</c>): the answer's <c>fileContent</c> is the file compressed (zlib deflate, as the ACP SDK's
/// <c>Inflater</c> reads it) and then Base64, named by <c>fileName</c>. The file is fixed-width text, one transaction a line,
/// fields separated by one space (modelled on ACP's merchant settlement (ZM) files, with the fields reconciliation needs):
/// <c>txnType</c> 2 (<c>01</c> consume, <c>04</c> refund), <c>queryId</c> 21, <c>orderId</c> 40 (the refund's own order id
/// for a refund), <c>origOrderId</c> 40 (a refund's original consume; blank otherwise), <c>txnTime</c> 14, <c>txnAmt</c> 12
/// (fen), fee 12 (sign and 11 digits of fen), <c>currencyCode</c> 3, <c>respCode</c> 2, <c>settleDate</c> 4. Every line has
/// exactly <see cref="LineWidth"/> characters, so a cut line is refused.
/// </summary>
public static class UnionPaySettlementFile
{
    /// <summary>The fields' widths, in order.</summary>
    public static readonly int[] Widths = [2, 21, 40, 40, 14, 12, 12, 3, 2, 4];

    public static int LineWidth => Widths.Sum() + Widths.Length - 1;

    /// <summary>Inflates and reads <c>fileContent</c>; throws <see cref="SettlementFormatException"/> when it is not a whole, readable file.</summary>
    public static SettlementFile Read(string fileContent, string fileName, DateOnly date)
    {
        string text;
        try
        {
            using var inflate = new ZLibStream(new MemoryStream(Convert.FromBase64String(fileContent)), CompressionMode.Decompress);
            using var reader = new StreamReader(inflate, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new SettlementFormatException($"fileContent is not Base64 of deflated data: {ex.Message}", 0);
        }
        return new SettlementFile(fileName, date, ReadText(text));
    }

    public static IReadOnlyList<SettlementLine> ReadText(string text)
    {
        var result = new List<SettlementLine>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            result.Add(Row(line, i + 1));
        }
        return result;
    }

    private static SettlementLine Row(string line, int number)
    {
        if (line.Length != LineWidth)
        {
            throw new SettlementFormatException($"{line.Length} characters, a record has {LineWidth}", number);
        }
        var fields = new string[Widths.Length];
        var at = 0;
        for (var f = 0; f < Widths.Length; f++)
        {
            fields[f] = line.Substring(at, Widths[f]).Trim();
            at += Widths[f] + 1;
        }
        var (txnType, queryId, orderId, origOrderId, txnTime, amount, fee, currency, respCode) =
            (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7], fields[8]);
        if (!long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var fen))
        {
            throw new SettlementFormatException($"txnAmt '{amount}' is not fen", number);
        }
        if (fee.Length != 12 || fee[0] is not ('+' or '-') || !long.TryParse(fee[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var feeFen))
        {
            throw new SettlementFormatException($"fee '{fee}' is not a sign and 11 digits", number);
        }
        if (currency != "156")
        {
            throw new SettlementFormatException($"currencyCode '{currency}' is not 156 (CNY)", number);
        }
        if (orderId.Length == 0)
        {
            throw new SettlementFormatException("orderId is empty", number);
        }
        var time = SettlementText.BeijingTime(txnTime, "yyyyMMddHHmmss", number, "txnTime");
        var signedFee = fee[0] == '-' ? -feeFen : feeFen;
        var succeeded = respCode is "00" or "A6";
        return txnType switch
        {
            "01" => new SettlementLine(number, SettlementLineKind.Payment, orderId, null, queryId, fen, "CNY", signedFee, respCode, succeeded, time),
            "04" when origOrderId.Length > 0 => new SettlementLine(number, SettlementLineKind.Refund, origOrderId, orderId, queryId, fen, "CNY", signedFee, respCode, succeeded, time),
            "04" => throw new SettlementFormatException("a refund without origOrderId", number),
            _ => throw new SettlementFormatException($"txnType '{txnType}' is neither 01 (consume) nor 04 (refund)", number),
        };
    }
}
