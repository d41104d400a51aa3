using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paygate.Gateway.Payments;

/// <summary>The stored form of a payment (its body column and event snapshots).</summary>
public static class PaymentJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        IgnoreReadOnlyProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    public static string Serialize(Payment payment) => JsonSerializer.Serialize(payment, Options);

    public static Payment Deserialize(string json) =>
        JsonSerializer.Deserialize<Payment>(json, Options) ?? throw new InvalidDataException("empty payment body");
}
