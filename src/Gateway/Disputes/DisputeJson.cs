using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paygate.Gateway.Disputes;

/// <summary>The stored form of a dispute (its body column, and the detail of its events).</summary>
public static class DisputeJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    public static string Serialize(Dispute dispute) => JsonSerializer.Serialize(dispute, Options);

    public static Dispute Deserialize(string json) =>
        JsonSerializer.Deserialize<Dispute>(json, Options) ?? throw new InvalidDataException("empty dispute body");
}
