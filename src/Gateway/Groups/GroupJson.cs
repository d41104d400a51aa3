using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paygate.Gateway.Groups;

/// <summary>The stored form of a budget change (its body column) and of a sub-account's approvers.</summary>
public static class GroupJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    public static string Serialize(BudgetChange change) => JsonSerializer.Serialize(change, Options);

    public static BudgetChange DeserializeChange(string json, long version) =>
        (JsonSerializer.Deserialize<BudgetChange>(json, Options) ?? throw new InvalidDataException("empty budget change")) with { Version = version };

    public static string Serialize(IReadOnlyList<string> approvers) => JsonSerializer.Serialize(approvers, Options);

    public static IReadOnlyList<string> DeserializeApprovers(string json) => JsonSerializer.Deserialize<string[]>(json, Options) ?? [];
}
