using System.Globalization;

namespace Paygate.Adapters.Contract;

/// <summary>The small readings every settlement file parser needs: signed yuan amounts, Beijing times, columns by name.</summary>
internal static class SettlementText
{
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    /// <summary>
    /// A signed decimal amount in yuan ("-0.06", "12.30", "0.00600") as fen. More decimals than two are allowed only when
    /// they are zeros or round to a whole fen (WeChat Pay writes fees with five decimals): the fee is rounded half away from zero.
    /// </summary>
    public static long Fen(string text, int line, string column)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            throw new SettlementFormatException($"{column} '{text}' is not an amount", line);
        }
        return (long)Math.Round(yuan * 100m, MidpointRounding.AwayFromZero);
    }

    /// <summary>A positive amount with exactly the currency's decimals (a gross amount must be exact).</summary>
    public static long ExactFen(string text, int line, string column)
    {
        var value = Fen(text, line, column);
        if (!Money.Money.TryParseMajorUnits(text.TrimStart('-'), Money.Currency.CNY, out _))
        {
            throw new SettlementFormatException($"{column} '{text}' is not an amount in yuan with at most two decimals", line);
        }
        return value;
    }

    public static DateTimeOffset BeijingTime(string text, string format, int line, string column) =>
        DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, BeijingOffset)
            : throw new SettlementFormatException($"{column} '{text}' is not a time ({format})", line);

    /// <summary>The index of each required column in a header row; a missing one makes the file unreadable.</summary>
    public static Dictionary<string, int> Columns(IReadOnlyList<string> header, int line, params string[] required)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            index.TryAdd(header[i], i);
        }
        foreach (var name in required)
        {
            if (!index.ContainsKey(name))
            {
                throw new SettlementFormatException($"the header has no column {name}", line);
            }
        }
        return index;
    }

    /// <summary>A row's field by column name; the row must have as many fields as the header.</summary>
    public static string Field(IReadOnlyList<string> row, Dictionary<string, int> columns, string name) => row[columns[name]];
}
