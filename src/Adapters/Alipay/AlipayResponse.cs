using System.Text;
using System.Text.Json;

namespace Paygate.Adapters.Alipay;

/// <summary>
/// One OpenAPI response: the raw text of the response node (exactly as sent, because the signature covers
/// those bytes and not a re-serialisation), its parsed fields, and the top-level <c>sign</c>.
/// </summary>
internal sealed class AlipayResponse
{
    public required string RawNode { get; init; }
    public required JsonElement Node { get; init; }
    public string? Sign { get; init; }

    public string Code => Field("code") ?? "";
    public string Message => Field("msg") ?? "";
    public string SubCode => Field("sub_code") ?? "";
    public string SubMessage => Field("sub_msg") ?? "";

    public string? Field(string name) =>
        Node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// Cuts the value of <c>&lt;method&gt;_response</c> (or <c>error_response</c>) out of the body with a JSON
    /// tokenizer, so braces inside strings and escapes are respected. Returns null when the body has neither.
    /// </summary>
    public static AlipayResponse? Parse(string body, string method)
    {
        var nodeName = method.Replace('.', '_') + "_response";
        var bytes = Encoding.UTF8.GetBytes(body);
        string? raw = null;
        string? sign = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if ((name == nodeName || (name == "error_response" && raw is null)) && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    raw = Encoding.UTF8.GetString(bytes, start, (int)reader.BytesConsumed - start);
                }
                else if (name == "sign" && reader.TokenType == JsonTokenType.String)
                {
                    sign = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        if (raw is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(raw);
        return new AlipayResponse { RawNode = raw, Node = doc.RootElement.Clone(), Sign = sign };
    }
}
