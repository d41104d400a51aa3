namespace Paygate.Gateway.Disputes;

/// <summary>Who acts on a dispute: an API key's id, and the merchant it is scoped to (null for an operator, who sees every merchant's).</summary>
public sealed record DisputeActor(string Actor, string? MerchantId)
{
    public bool IsOperator => MerchantId is null;

    /// <summary>The gateway itself (screening, due times, escalation).</summary>
    public static DisputeActor Gateway { get; } = new("gateway", null);

    /// <summary>The card acquirer, by its signed notifications.</summary>
    public static DisputeActor Acquirer { get; } = new("acquirer", null);
}
