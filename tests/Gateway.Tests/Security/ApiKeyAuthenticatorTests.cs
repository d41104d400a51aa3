using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage.Sqlite;
using Paygate.Gateway.Tests.Storage;

namespace Paygate.Gateway.Tests.Security;

/// <summary>How a key is checked: the same work and the same words for every key that is not valid, and a cached look-up for one that is.</summary>
public sealed class ApiKeyAuthenticatorTests : IAsyncLifetime
{
    private MerchantTestDatabase _test = null!;
    private CountingStore _store = null!;
    private MerchantAdministration _admin = null!;
    private ApiKeyAuthenticator _authenticator = null!;

    private FakeTimeProvider _clock => _test.Clock;

    public async Task InitializeAsync()
    {
        _test = await MerchantTestDatabase.OpenAsync();
        _store = new CountingStore(new SqliteMerchantStore(_test.Database));
        _admin = _test.Administration(_store);
        _authenticator = new ApiKeyAuthenticator(_store, _test.Cache, GatewayEnvironment.Sandbox, _clock, NullLogger<ApiKeyAuthenticator>.Instance);
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    [Fact]
    public async Task UnknownRevokedAndExpiredKeys_CostOneReadEach_SayTheSame_AndAreNeverCached()
    {
        var merchant = await _admin.CreateMerchantAsync("t", "Acme", null, CancellationToken.None);
        var (revoked, revokedSecret) = await _admin.CreateKeyAsync("t", merchant.Id, "", null, CancellationToken.None);
        var (_, expiringSecret) = await _admin.CreateKeyAsync("t", merchant.Id, "", _clock.GetUtcNow().AddMinutes(1), CancellationToken.None);
        await _admin.RevokeKeyAsync("t", revoked.Id, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));

        foreach (var secret in new[] { "sk_test_" + new string('u', 43), revokedSecret, expiringSecret })
        {
            for (var i = 0; i < 2; i++)
            {
                _store.Reads = 0;
                var refusal = await Assert.ThrowsAsync<PaymentException>(() => _authenticator.AuthenticateAsync("Bearer " + secret, CancellationToken.None));
                Assert.Equal(("PM-6016", "the API key is not valid: unknown, revoked or expired"), (refusal.Code.Code, refusal.Message));
                Assert.Equal(1, _store.Reads);
            }
        }
    }

    [Fact]
    public async Task ValidKey_IsReadOnce_ThenServedFromTheCache_UntilItExpires()
    {
        var merchant = await _admin.CreateMerchantAsync("t", "Acme", new RateLimit(3, 5), CancellationToken.None);
        var (key, secret) = await _admin.CreateKeyAsync("t", merchant.Id, "", _clock.GetUtcNow().AddSeconds(20), CancellationToken.None);

        _store.Reads = 0;
        var (caller, limit) = await _authenticator.AuthenticateAsync("Bearer " + secret, CancellationToken.None);
        await _authenticator.AuthenticateAsync("bearer " + secret, CancellationToken.None);
        Assert.Equal(2, _store.Reads); // the key and its merchant, once
        Assert.Equal((key.Id, KeyRole.Merchant, merchant.Id, new RateLimit(3, 5)), (caller.KeyId, caller.Role, caller.MerchantId, limit));

        _clock.Advance(TimeSpan.FromSeconds(21));
        await Assert.ThrowsAsync<PaymentException>(() => _authenticator.AuthenticateAsync("Bearer " + secret, CancellationToken.None));
    }

    /// <summary>The SQLite store, counting the reads authentication makes.</summary>
    private sealed class CountingStore(IMerchantStore inner) : IMerchantStore
    {
        public int Reads;

        public Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Reads);
            return inner.FindKeyByHashAsync(hash, cancellationToken);
        }

        public Task<Merchant?> GetMerchantAsync(string id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Reads);
            return inner.GetMerchantAsync(id, cancellationToken);
        }

        public Task InsertMerchantAsync(Merchant merchant, AuditEntry audit, CancellationToken cancellationToken) => inner.InsertMerchantAsync(merchant, audit, cancellationToken);
        public Task<IReadOnlyList<Merchant>> ListMerchantsAsync(string? afterId, int limit, CancellationToken cancellationToken) => inner.ListMerchantsAsync(afterId, limit, cancellationToken);
        public Task InsertKeyAsync(ApiKey key, AuditEntry audit, CancellationToken cancellationToken) => inner.InsertKeyAsync(key, audit, cancellationToken);
        public Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken) => inner.GetKeyAsync(id, cancellationToken);
        public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? merchantId, CancellationToken cancellationToken) => inner.ListKeysAsync(merchantId, cancellationToken);
        public Task<ApiKey?> RevokeKeyAsync(string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) => inner.RevokeKeyAsync(id, now, audit, cancellationToken);
        public Task RecordKeyUseAsync(string id, DateTimeOffset time, CancellationToken cancellationToken) => inner.RecordKeyUseAsync(id, time, cancellationToken);
        public Task<bool> AnyKeyAsync(CancellationToken cancellationToken) => inner.AnyKeyAsync(cancellationToken);
        public Task<int> AdoptUnownedAsync(string merchantId, AuditEntry audit, CancellationToken cancellationToken) => inner.AdoptUnownedAsync(merchantId, audit, cancellationToken);
        public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSequence, int limit, CancellationToken cancellationToken) => inner.ListAuditAsync(beforeSequence, limit, cancellationToken);
    }
}
