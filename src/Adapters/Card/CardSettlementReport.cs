using System.Globalization;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.Card;

/// <summary>
/// Reads the acquirer's daily settlement report of a merchant account (CSV, UTF-8): a header row, then one line per captured,
/// refunded or charged-back transaction with <c>batch_id</c>, <c>payout_id</c>, <c>type</c>, <c>reference</c> (the payment's
/// reference), <c>refund_reference</c>, <c>transaction_id</c>, <c>currency</c>, <c>gross</c>, <c>fee</c>, <c>net</c> (minor
/// units of the currency) and <c>booked_at</c> (ISO 8601). <c>net</c> must be <c>gross - fee</c> for a capture and
/// <c>-gross - fee</c> for money going back, so a damaged line is refused.
/// </summary>
public static class CardSettlementReport
{
    public static readonly string[] Header = ["batch_id", "payout_id", "type", "reference", "refund_reference", "transaction_id", "currency", "gross", "fee", "net", "booked_at"];

    public static SettlementFile Read(string text, string name, DateOnly date)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || lines[0].Length == 0)
        {
            throw new SettlementFormatException("the report is empty", 1);
        }
        var columns = SettlementText.Columns(lines[0].Split(','), 1, Header);
        var result = new List<SettlementLine>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length > 0)
            {
                result.Add(Row(lines[i].Split(','), columns, i + 1));
            }
        }
        return new SettlementFile(name, date, result);
    }

    private static SettlementLine Row(string[] row, Dictionary<string, int> columns, int line)
    {
        if (row.Length != columns.Count)
        {
            throw new SettlementFormatException($"{row.Length} fields, the header has {columns.Count}", line);
        }
        string F(string name) => SettlementText.Field(row, columns, name);
        long Minor(string name) => long.TryParse(F(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw new SettlementFormatException($"{name} '{F(name)}' is not an amount in minor units", line);
        if (!Currency.TryFind(F("currency"), out var currency))
        {
            throw new SettlementFormatException($"currency '{F("currency")}' is not one the gateway knows", line);
        }
        if (!DateTimeOffset.TryParse(F("booked_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new SettlementFormatException($"booked_at '{F("booked_at")}' is not a time", line);
        }
        var (gross, fee, net) = (Minor("gross"), Minor("fee"), Minor("net"));
        if (gross <= 0)
        {
            throw new SettlementFormatException($"gross {gross} is not positive", line);
        }
        var type = F("type");
        var kind = type switch
        {
            "captured" => SettlementLineKind.Payment,
            "refunded" => SettlementLineKind.Refund,
            "charged_back" => SettlementLineKind.Chargeback,
            _ => throw new SettlementFormatException($"type '{type}' is not captured, refunded or charged_back", line),
        };
        var expectedNet = kind == SettlementLineKind.Payment ? gross - fee : -gross - fee;
        if (net != expectedNet)
        {
            throw new SettlementFormatException($"net {net} is not {expectedNet} (gross {gross}, fee {fee})", line);
        }
        if (F("reference").Length == 0)
        {
            throw new SettlementFormatException("reference is empty", line);
        }
        var refund = F("refund_reference");
        return new SettlementLine(line, kind, F("reference"), refund.Length == 0 ? null : refund, F("transaction_id"), gross, currency.Code, fee, type, true, time);
    }
}
