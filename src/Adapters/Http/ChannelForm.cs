using System.Net;

namespace Paygate.Adapters.Http;

/// <summary>Reads an <c>application/x-www-form-urlencoded</c> body (notifications of Alipay and UnionPay) into decoded key/value pairs.</summary>
internal static class ChannelForm
{
    public static Dictionary<string, string> Parse(string body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
            result[key] = value;
        }
        return result;
    }
}
