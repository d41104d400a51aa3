namespace Paygate.Gateway.Api;

/// <summary>The rule for idempotency keys: optional, and when present a UUID, kept in canonical lower-case form.</summary>
public static class RequestIds
{
    public static string? Validate(string? value, string field, Action<string, string> bad)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (!Guid.TryParseExact(value, "D", out var id))
        {
            bad(field, "must be a UUID such as 123e4567-e89b-42d3-a456-426614174000");
            return null;
        }
        return id.ToString("D");
    }
}
