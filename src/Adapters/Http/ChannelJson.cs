using System.Text.Json;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Http;

/// <summary>Reading the JSON answers of networks that speak JSON (WeChat Pay, the card acquirer).</summary>
public static class ChannelJson
{
    /// <summary>
    /// The answer's body as JSON (an undefined element when empty). A 2xx body that is not JSON is an unknown
    /// outcome: the call may have succeeded; an error body that is not JSON means what its HTTP status means.
    /// </summary>
    public static (JsonElement Json, ChannelResult? Failure) Parse(ChannelHttpResponse response)
    {
        if (response.Body.Length == 0)
        {
            return (default, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, (int)response.Status is >= 200 and < 300
                ? ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "MALFORMED_RESPONSE", "response body is not JSON")
                : ChannelHttp.StatusFailure(response.Status));
        }
    }

    /// <summary>A string property of an object, or null when absent or not a string.</summary>
    public static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
