namespace Paygate.Gateway.Merchants;

/// <summary>Who is calling, as their API key says: a merchant (with its id) or an operator.</summary>
/// <param name="KeyId">The key that authenticated the call; the actor in audit entries.</param>
/// <param name="Role">Merchant or operator.</param>
/// <param name="MerchantId">The merchant, for a merchant key.</param>
public sealed record Caller(string KeyId, KeyRole Role, string? MerchantId)
{
    /// <summary>The merchant every resource of the call is scoped to; only merchant keys reach the merchant API.</summary>
    public string Merchant => MerchantId ?? throw new InvalidOperationException("an operator has no merchant scope");
}
