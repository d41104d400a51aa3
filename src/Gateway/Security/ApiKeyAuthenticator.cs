using Paygate.Adapters.Errors;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Security;

/// <summary>
/// Turns an <c>authorization: Bearer &lt;key&gt;</c> header into a <see cref="Caller"/>, or refuses it with UNAUTHENTICATED
/// (PM-6016). What the refusal says depends only on what the caller sent (no header, not a bearer key, a key of the other
/// environment); an unknown, revoked and expired key get the same answer after the same work (a look-up by the secret's
/// hash, so timing says nothing about the secret). Keys never appear in logs or errors.
/// </summary>
public sealed class ApiKeyAuthenticator(IMerchantStore store, ApiKeyCache cache, GatewayEnvironment environment, TimeProvider clock,
    ILogger<ApiKeyAuthenticator> logger)
{
    private const string Scheme = "Bearer ";
    private const string NotValid = "the API key is not valid: unknown, revoked or expired";
    /// <summary>A key's use is written at most this often (the last-use time is for spotting unused keys, not an access log).</summary>
    private static readonly TimeSpan UseRecordInterval = TimeSpan.FromMinutes(1);

    public async Task<(Caller Caller, RateLimit? RateLimit)> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var secret = Secret(authorization);
        if (!ApiKeySecret.TryParse(secret, out _, out var mode, out var problem))
        {
            throw Refused($"the bearer token {problem}");
        }
        if (mode != environment.KeyMode)
        {
            throw Refused($"a {mode} key cannot be used with this {(environment.IsSandbox ? "sandbox" : "live")} gateway (it takes {environment.KeyMode} keys)");
        }
        var hash = ApiKeySecret.Hash(secret);
        var now = clock.GetUtcNow();
        if (!cache.TryGet(hash, out var key, out var rateLimit))
        {
            // Unknown, revoked and expired keys all cost exactly this one read, and none is cached: their answers and their
            // timing are the same.
            var found = await store.FindKeyByHashAsync(hash, cancellationToken);
            if (found is null || !found.IsActiveAt(now))
            {
                throw Refused(NotValid);
            }
            rateLimit = found.MerchantId is { } merchantId ? (await store.GetMerchantAsync(merchantId, cancellationToken))?.RateLimit : null;
            key = found;
            cache.Add(found, rateLimit);
        }
        if (!key.IsActiveAt(now))
        {
            // Expired while cached.
            cache.Forget(hash);
            throw Refused(NotValid);
        }
        if (key.LastUseTime is not { } last || now - last >= UseRecordInterval)
        {
            cache.Used(key, now);
            _ = RecordUseAsync(key.Id, now);
        }
        return (new Caller(key.Id, key.Role, key.MerchantId), rateLimit);
    }

    private static string Secret(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            throw Refused("no API key: send the header 'authorization: Bearer <API key>'");
        }
        if (authorization.Length > Scheme.Length + ApiKeySecret.MaxLength)
        {
            throw Refused("the authorization header is too long to hold an API key");
        }
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Refused("the authorization header must be 'Bearer <API key>'");
        }
        return authorization[Scheme.Length..].Trim();
    }

    private async Task RecordUseAsync(string keyId, DateTimeOffset now)
    {
        try
        {
            await store.RecordKeyUseAsync(keyId, now, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the use of API key {KeyId}", keyId);
        }
    }

    private static PaymentException Refused(string message) => new(ErrorCatalogue.Unauthenticated, message);
}
