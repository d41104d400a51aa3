using System.Net;
using System.Text;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Http;

/// <summary>
/// Forms whose signature covers their decoded fields joined as sorted <c>k=v&amp;k=v</c> text (Alipay, UnionPay).
/// That text does not say where one field ends: a value holding <c>&amp;out_trade_no=...</c> signs the same as two
/// fields. So a form is trusted only when the signed text splits back into exactly the fields it came with, a
/// field named twice is refused, and free text the gateway sends to such a network never carries the separators.
/// </summary>
internal static class ChannelForm
{
    private const string Separators = "&={}[]";
    private const string FullWidth = "＆＝｛｝［］";

    /// <summary>
    /// Reads an <c>application/x-www-form-urlencoded</c> notification body into decoded fields. A field named twice
    /// is refused: which of the two the signature covered is not knowable. <paramref name="bracesGroup"/>: the network
    /// reads <c>{...}</c> and <c>[...]</c> as one value (UnionPay), so a sender that leaves such a value unencoded
    /// (<c>reqReserved={a=1&amp;b=2}</c>) still gives one field.
    /// </summary>
    public static Dictionary<string, string> Parse(string body, bool bracesGroup)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, rawValue) in Split(body, bracesGroup))
        {
            var key = WebUtility.UrlDecode(rawKey);
            if (!result.TryAdd(key, WebUtility.UrlDecode(rawValue)))
            {
                throw new NotificationRejectedException($"field '{Shorten(key)}' appears more than once");
            }
        }
        return result;
    }

    /// <summary>
    /// The text to sign: the fields not in <paramref name="excluded"/> (and, when <paramref name="skipEmpty"/>, not
    /// empty), keys in ordinal order, raw values, joined as <c>k=v&amp;k=v</c>.
    /// </summary>
    public static string Content(IEnumerable<KeyValuePair<string, string>> fields, bool skipEmpty, params string[] excluded) =>
        string.Join('&', Signed(fields, skipEmpty, excluded).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>
    /// Why the signed text of <paramref name="fields"/> would not split back into exactly those fields (a value
    /// holding a separator, so that the same signature would also cover other fields), or null when it does.
    /// <paramref name="bracesGroup"/>: the network reads <c>{...}</c> and <c>[...]</c> as one value (UnionPay).
    /// </summary>
    public static string? Ambiguity(IEnumerable<KeyValuePair<string, string>> fields, bool skipEmpty, bool bracesGroup, params string[] excluded)
    {
        var signed = Signed(fields, skipEmpty, excluded).ToList();
        var content = string.Join('&', signed.Select(p => $"{p.Key}={p.Value}"));
        var split = Split(content, bracesGroup);
        if (split.Count != signed.Count)
        {
            return "the signed fields do not split back into the fields received";
        }
        for (var i = 0; i < split.Count; i++)
        {
            if (split[i].Key != signed[i].Key || split[i].Value != signed[i].Value)
            {
                return $"field '{Shorten(signed[i].Key)}' does not split back out of the signed text";
            }
        }
        return null;
    }

    /// <summary>
    /// Splits <c>k=v&amp;k=v</c> text at each '&amp;' and each pair's first '='; with <paramref name="bracesGroup"/>,
    /// separators inside <c>{...}</c> or <c>[...]</c> belong to the value. Keys may repeat in the result.
    /// </summary>
    public static List<KeyValuePair<string, string>> Split(string text, bool bracesGroup)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var key = new StringBuilder();
        var value = new StringBuilder();
        var inValue = false;
        var depth = 0;
        void Flush()
        {
            if (key.Length > 0 || inValue)
            {
                pairs.Add(new(key.ToString(), value.ToString()));
            }
            key.Clear();
            value.Clear();
            inValue = false;
            depth = 0;
        }
        foreach (var c in text)
        {
            if (bracesGroup && inValue && c is '{' or '[')
            {
                depth++;
            }
            else if (bracesGroup && inValue && depth > 0 && c is '}' or ']')
            {
                depth--;
            }
            else if (c == '&' && depth == 0)
            {
                Flush();
                continue;
            }
            else if (c == '=' && !inValue)
            {
                inValue = true;
                continue;
            }
            (inValue ? value : key).Append(c);
        }
        Flush();
        return pairs;
    }

    /// <summary>
    /// Free text (a payment's description, a refund's reason) made safe for a form-signed network: the separators
    /// <c>&amp; = { } [ ]</c> become their full-width forms, which read the same to a person and split nothing.
    /// </summary>
    public static string FreeText(string text)
    {
        if (text.AsSpan().IndexOfAny(Separators) < 0)
        {
            return text;
        }
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var at = Separators.IndexOf(chars[i]);
            if (at >= 0)
            {
                chars[i] = FullWidth[at];
            }
        }
        return new string(chars);
    }

    private static IEnumerable<KeyValuePair<string, string>> Signed(IEnumerable<KeyValuePair<string, string>> fields, bool skipEmpty, string[] excluded) => fields
        .Where(p => !(skipEmpty && string.IsNullOrEmpty(p.Value)) && !excluded.Contains(p.Key, StringComparer.Ordinal))
        .OrderBy(p => p.Key, StringComparer.Ordinal);

    private static string Shorten(string key) => key.Length <= 40 ? key : key[..40] + "...";
}
