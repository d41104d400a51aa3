namespace Paygate.Gateway.Merchants;

/// <summary>A merchant: every payment, refund, event, webhook endpoint and idempotency key belongs to one.</summary>
/// <param name="Id"><c>mch_...</c></param>
/// <param name="Name">What operators call it.</param>
/// <param name="RateLimit">Its own rate limit, or null for the gateway's default.</param>
/// <param name="CreateTime">When it was created.</param>
public sealed record Merchant(string Id, string Name, RateLimit? RateLimit, DateTimeOffset CreateTime);

/// <summary>A token bucket: <paramref name="PerSecond"/> requests a second on average, bursts of up to <paramref name="Burst"/>.</summary>
public sealed record RateLimit(int PerSecond, int Burst);

/// <summary>Who holds a key: a merchant (the merchant API) or an operator (channels, administration).</summary>
public enum KeyRole
{
    Merchant = 1,
    Operator = 2,
}

/// <summary>
/// An API key as the gateway keeps it: never the secret, only its SHA-256 and a short visible prefix that tells keys
/// apart in lists and logs.
/// </summary>
/// <param name="Id"><c>key_...</c></param>
/// <param name="Role">Merchant or operator.</param>
/// <param name="MerchantId">The merchant it acts for; null for an operator key.</param>
/// <param name="Prefix">The secret's first characters (<c>sk_test_Ab3d</c>), enough to recognise it, far too few to use it.</param>
/// <param name="Hash">SHA-256 of the whole secret, lower-case hex.</param>
/// <param name="Description">What the holder said it is for.</param>
/// <param name="CreateTime">When it was made.</param>
/// <param name="ExpireTime">When it stops working by itself, if ever.</param>
/// <param name="RevokeTime">When it was revoked, if it was.</param>
/// <param name="LastUseTime">When it last authenticated a call (recorded at most once a minute).</param>
public sealed record ApiKey(string Id, KeyRole Role, string? MerchantId, string Prefix, string Hash, string Description,
    DateTimeOffset CreateTime, DateTimeOffset? ExpireTime, DateTimeOffset? RevokeTime, DateTimeOffset? LastUseTime)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokeTime is null && (ExpireTime is null || now < ExpireTime);
}

/// <summary>One administrative action, kept for operators: who did what to what, and when.</summary>
/// <param name="Sequence">Its place in the log.</param>
/// <param name="Time">When.</param>
/// <param name="Actor">Who: an API key id (<c>key_...</c>), <c>cli:&lt;user&gt;</c> or <c>sandbox</c>.</param>
/// <param name="Action">What, e.g. <c>merchant.created</c>, <c>api_key.revoked</c>.</param>
/// <param name="Target">The resource acted on.</param>
/// <param name="MerchantId">The merchant it concerns, if any.</param>
/// <param name="Detail">Anything else worth knowing; never a secret.</param>
public sealed record AuditEntry(long Sequence, DateTimeOffset Time, string Actor, string Action, string Target, string? MerchantId, string Detail)
{
    public static AuditEntry New(DateTimeOffset time, string actor, string action, string target, string? merchantId, string detail = "") =>
        new(0, time, actor, action, target, merchantId, detail);
}

/// <summary>The audited actions.</summary>
public static class AuditActions
{
    public const string MerchantCreated = "merchant.created";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string WebhookEndpointCreated = "webhook_endpoint.created";
    public const string RiskRulesUpdated = "risk_rules.updated";
    public const string WebhookEndpointDeleted = "webhook_endpoint.deleted";
    public const string HeldCreditReturned = "held_credit.returned";
}
