namespace Paygate.Gateway.Merchants;

/// <summary>
/// Merchants, their API keys and the audit log. Every administrative write saves its audit entry in the same unit of
/// work, so that no action happens unrecorded.
/// </summary>
public interface IMerchantStore
{
    Task InsertMerchantAsync(Merchant merchant, AuditEntry audit, CancellationToken cancellationToken);

    Task<Merchant?> GetMerchantAsync(string id, CancellationToken cancellationToken);

    /// <summary>Merchants, oldest first, after <paramref name="afterId"/> when given.</summary>
    Task<IReadOnlyList<Merchant>> ListMerchantsAsync(string? afterId, int limit, CancellationToken cancellationToken);

    Task InsertKeyAsync(ApiKey key, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>The key whose secret hashes to <paramref name="hash"/>, active or not.</summary>
    Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken);

    Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Keys newest first: a merchant's, or the operators' when <paramref name="merchantId"/> is null.</summary>
    Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? merchantId, CancellationToken cancellationToken);

    /// <summary>Revokes a key (a key revoked already keeps its first revocation time) and returns it; null when there is no such key.</summary>
    Task<ApiKey?> RevokeKeyAsync(string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Records that a key was used (scheduling-free bookkeeping: no audit entry).</summary>
    Task RecordKeyUseAsync(string id, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Whether any merchant or operator key exists: a fresh database has neither.</summary>
    Task<bool> AnyKeyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gives everything made before merchants existed (payments, their events, webhook endpoints, idempotency keys) to
    /// <paramref name="merchantId"/>, with an audit entry; returns how many payments it took.
    /// </summary>
    Task<int> AdoptUnownedAsync(string merchantId, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Audit entries newest first, before <paramref name="beforeSequence"/> when given.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSequence, int limit, CancellationToken cancellationToken);
}
