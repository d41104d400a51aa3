using System.Globalization;
using System.Text.RegularExpressions;

namespace Paygate.Gateway.Checkout;

/// <summary>
/// The checkout page's words in the languages it speaks (English and simplified Chinese), chosen from <c>?lang=</c>, else
/// the browser's <c>Accept-Language</c>, else English. Both tables have the same keys (a test holds them to it).
/// </summary>
public sealed partial class CheckoutText
{
    public static readonly CheckoutText English = new("en", "en", Strings.En);
    public static readonly CheckoutText Chinese = new("zh", "zh-CN", Strings.Zh);

    private readonly IReadOnlyDictionary<string, string> _table;

    private CheckoutText(string code, string htmlLang, IReadOnlyDictionary<string, string> table)
    {
        Code = code;
        HtmlLang = htmlLang;
        _table = table;
    }

    /// <summary><c>en</c> or <c>zh</c>: what <c>?lang=</c> takes.</summary>
    public string Code { get; }

    /// <summary>The page's <c>lang</c> attribute.</summary>
    public string HtmlLang { get; }

    /// <summary>The other language, for the switch.</summary>
    public CheckoutText Other => Code == "en" ? Chinese : English;

    public string this[string key] => _table.TryGetValue(key, out var text) ? text : throw new KeyNotFoundException($"checkout text '{key}'");

    /// <summary>A text with its placeholders (<c>{0}</c>...) filled.</summary>
    public string Format(string key, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    public static IReadOnlyCollection<string> Keys(CheckoutText text) => [.. text._table.Keys];

    /// <summary>The language of <c>?lang=</c> if it names one, else the first of <c>Accept-Language</c> the page speaks.</summary>
    public static CheckoutText Choose(string? requested, string? acceptLanguage)
    {
        if (FromCode(requested) is { } chosen)
        {
            return chosen;
        }
        var ranked = (acceptLanguage ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((entry, index) =>
            {
                var parts = entry.Split(';', StringSplitOptions.TrimEntries);
                var quality = parts.Skip(1).Select(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(p[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? q : 1.0).FirstOrDefault(1.0);
                return (Tag: parts[0], Quality: quality, Index: index);
            })
            .Where(e => e.Quality > 0)
            .OrderByDescending(e => e.Quality).ThenBy(e => e.Index);
        foreach (var (tag, _, _) in ranked)
        {
            if (FromCode(tag.Split('-')[0]) is { } spoken)
            {
                return spoken;
            }
        }
        return English;
    }

    private static CheckoutText? FromCode(string? code) => code?.ToLowerInvariant() switch
    {
        "en" => English,
        "zh" => Chinese,
        _ => null,
    };

    /// <summary>A channel's name for payers.</summary>
    public string Channel(string channel) => _table.TryGetValue("channel." + channel, out var name) ? name : channel;

    /// <summary>
    /// Why routing recommends a channel, in the payer's words: routing writes <c>#1: rule 'checkout'</c> or
    /// <c>#2: backup by default order and health (success 100%, 12 ms)</c> for operators.
    /// </summary>
    public string Reason(string routingReason)
    {
        var reason = RankPrefix().Replace(routingReason, "");
        if (reason == "the payer's chosen channel")
        {
            return this["reason.chosen"];
        }
        if (RulePattern().Match(reason) is { Success: true } rule)
        {
            return Format("reason.rule", rule.Groups[1].Value);
        }
        if (BackupPattern().Match(reason) is { Success: true } backup)
        {
            return Format("reason.backup", backup.Groups[1].Value, backup.Groups[2].Value);
        }
        return reason;
    }

    [GeneratedRegex(@"^#\d+: ")]
    private static partial Regex RankPrefix();

    [GeneratedRegex(@"^rule '([^']*)'$")]
    private static partial Regex RulePattern();

    [GeneratedRegex(@"^backup by default order and health \(success (\d+\s?%), (\d+) ms\)$")]
    private static partial Regex BackupPattern();
}
