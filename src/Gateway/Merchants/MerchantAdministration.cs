using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Merchants;

/// <summary>
/// Merchants and their keys, for the AdminService and the command line alike: every action validated here and audited
/// with its actor in the same write.
/// </summary>
public sealed class MerchantAdministration(IMerchantStore store, GatewayEnvironment environment, ApiKeyCache cache, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 200;
    private const int MaxRateLimit = 1_000_000;

    public async Task<Merchant> CreateMerchantAsync(string actor, string name, RateLimit? rateLimit, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            throw PaymentException.InvalidField("name", $"1 to {MaxNameLength} characters, no control characters");
        }
        if (rateLimit is { } limit && (limit.PerSecond is < 1 or > MaxRateLimit || limit.Burst < limit.PerSecond || limit.Burst > MaxRateLimit))
        {
            throw PaymentException.InvalidField("rate_limit", $"per_second 1 to {MaxRateLimit} and a burst no smaller than it (and at most {MaxRateLimit})");
        }
        var now = clock.GetUtcNow();
        var merchant = new Merchant(PaymentIds.NewMerchantId(clock), name, rateLimit, now);
        await store.InsertMerchantAsync(merchant, AuditEntry.New(now, actor, AuditActions.MerchantCreated, merchant.Id, merchant.Id, $"name={name}"), cancellationToken);
        return merchant;
    }

    public async Task<Merchant> GetMerchantAsync(string id, CancellationToken cancellationToken) =>
        (PaymentIds.LooksLikeMerchantId(id) ? await store.GetMerchantAsync(id, cancellationToken) : null)
            ?? throw new PaymentException(ErrorCatalogue.MerchantNotFound, $"no merchant {Shown(id)}");

    public Task<IReadOnlyList<Merchant>> ListMerchantsAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        store.ListMerchantsAsync(afterId, limit, cancellationToken);

    /// <summary>Issues a key for a merchant (or, with no merchant, an operator key); the secret is returned here once and never again.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateKeyAsync(string actor, string? merchantId, string description, DateTimeOffset? expireTime, CancellationToken cancellationToken)
    {
        description = description.Trim();
        if (description.Length > MaxDescriptionLength || description.Any(char.IsControl))
        {
            throw PaymentException.InvalidField("description", $"at most {MaxDescriptionLength} characters, no control characters");
        }
        var now = clock.GetUtcNow();
        if (expireTime is { } expires && expires <= now)
        {
            throw PaymentException.InvalidField("expire_time", "must be in the future");
        }
        if (merchantId is not null)
        {
            await GetMerchantAsync(merchantId, cancellationToken);
        }
        var role = merchantId is null ? KeyRole.Operator : KeyRole.Merchant;
        var secret = ApiKeySecret.New(role, environment.KeyMode);
        var key = new ApiKey(PaymentIds.NewApiKeyId(clock), role, merchantId, ApiKeySecret.Prefix(secret), ApiKeySecret.Hash(secret), description,
            now, expireTime, null, null);
        await store.InsertKeyAsync(key, AuditEntry.New(now, actor, AuditActions.ApiKeyCreated, key.Id, merchantId,
            $"role={role.ToString().ToLowerInvariant()} prefix={key.Prefix}" + (expireTime is { } e ? $" expires={e:O}" : "")), cancellationToken);
        return (key, secret);
    }

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? merchantId, CancellationToken cancellationToken)
    {
        if (merchantId is not null)
        {
            await GetMerchantAsync(merchantId, cancellationToken);
        }
        return await store.ListKeysAsync(merchantId, cancellationToken);
    }

    /// <summary>Revokes a key at once in this process (other instances stop accepting it within <see cref="ApiKeyCache.Lifetime"/>).</summary>
    public async Task<ApiKey> RevokeKeyAsync(string actor, string keyId, CancellationToken cancellationToken)
    {
        var key = (PaymentIds.LooksLikeApiKeyId(keyId) ? await store.GetKeyAsync(keyId, cancellationToken) : null)
            ?? throw new PaymentException(ErrorCatalogue.ApiKeyNotFound, $"no API key {Shown(keyId)}");
        var now = clock.GetUtcNow();
        var revoked = await store.RevokeKeyAsync(keyId, now, AuditEntry.New(now, actor, AuditActions.ApiKeyRevoked, keyId, key.MerchantId, $"prefix={key.Prefix}"), cancellationToken)
            ?? throw new PaymentException(ErrorCatalogue.ApiKeyNotFound, $"no API key {keyId}");
        cache.Forget(revoked.Hash);
        return revoked;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        store.ListAuditAsync(beforeSequence, limit, cancellationToken);

    /// <summary>An id as it may be echoed in an error: short, and never something that looks like a secret.</summary>
    private static string Shown(string id) =>
        id.Length <= 40 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !id.StartsWith("sk_", StringComparison.Ordinal) && !id.StartsWith("ok_", StringComparison.Ordinal)
            ? id : "(not an id)";
}
