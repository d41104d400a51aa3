using Npgsql;
using Paygate.Gateway.Merchants;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;
using static Paygate.Gateway.Storage.StoreRows;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Merchants, API keys and the audit log in the shared database.</summary>
public sealed class PostgresMerchantStore(PostgresDatabase database) : IMerchantStore
{

    public Task InsertMerchantAsync(Merchant merchant, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, "INSERT INTO merchants (id, name, rate_per_second, rate_burst, create_time) VALUES (@id, @name, @rate, @burst, @time)",
                cancellationToken, ("id", merchant.Id), ("name", merchant.Name), ("rate", merchant.RateLimit?.PerSecond ?? 0), ("burst", merchant.RateLimit?.Burst ?? 0),
                ("time", merchant.CreateTime.ToUnixTimeMilliseconds()));
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
        }, cancellationToken);

    public async Task<Merchant?> GetMerchantAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(MerchantColumns + "WHERE id = @id", Merchant, cancellationToken, ("id", id))).SingleOrDefault();

    public async Task<IReadOnlyList<Merchant>> ListMerchantsAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        await ReadAsync(MerchantColumns + "WHERE id > @after ORDER BY id LIMIT @limit", Merchant, cancellationToken, ("after", afterId ?? ""), ("limit", limit));

    public Task InsertKeyAsync(ApiKey key, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO api_keys (id, role, merchant_id, prefix, hash, description, create_time, expire_time, revoke_time, last_use_time)
                VALUES (@id, @role, @merchant, @prefix, @hash, @description, @time, @expires, NULL, NULL)
                """, cancellationToken, ("id", key.Id), ("role", (int)key.Role), ("merchant", key.MerchantId), ("prefix", key.Prefix), ("hash", key.Hash),
                ("description", key.Description), ("time", key.CreateTime.ToUnixTimeMilliseconds()), ("expires", key.ExpireTime?.ToUnixTimeMilliseconds()));
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
        }, cancellationToken);

    public async Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken) =>
        (await ReadAsync(KeyColumns + "WHERE hash = @hash", Key, cancellationToken, ("hash", hash))).SingleOrDefault();

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(KeyColumns + "WHERE id = @id", Key, cancellationToken, ("id", id))).SingleOrDefault();

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? merchantId, CancellationToken cancellationToken) =>
        merchantId is null
            ? await ReadAsync(KeyColumns + "WHERE merchant_id IS NULL ORDER BY create_time DESC, id DESC", Key, cancellationToken)
            : await ReadAsync(KeyColumns + "WHERE merchant_id = @m ORDER BY create_time DESC, id DESC", Key, cancellationToken, ("m", merchantId));

    public Task<ApiKey?> RevokeKeyAsync(string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, "UPDATE api_keys SET revoke_time = @now WHERE id = @id AND revoke_time IS NULL", cancellationToken,
                ("now", now.ToUnixTimeMilliseconds()), ("id", id));
            var key = (await QueryAsync(connection, tx, KeyColumns + "WHERE id = @id", Key, cancellationToken, ("id", id))).SingleOrDefault();
            if (key is not null)
            {
                await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
            }
            return key;
        }, cancellationToken);

    public Task RecordKeyUseAsync(string id, DateTimeOffset time, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => ExecuteAsync(connection, tx,
            "UPDATE api_keys SET last_use_time = @t WHERE id = @id AND (last_use_time IS NULL OR last_use_time < @t)", cancellationToken,
            ("t", time.ToUnixTimeMilliseconds()), ("id", id)), cancellationToken);

    public Task<bool> AnyKeyAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async c => await ScalarAsync(c, null, "SELECT 1 FROM api_keys LIMIT 1", cancellationToken) is not null, cancellationToken);

    public Task<int> AdoptUnownedAsync(string merchantId, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            // The body is the payment as the core reads it: its merchant changes with the column.
            var payments = await ExecuteAsync(connection, tx,
                "UPDATE payments SET merchant_id = @m, body = jsonb_set(body::jsonb, '{merchant_id}', to_jsonb(@m::text))::text WHERE merchant_id = ''", cancellationToken, ("m", merchantId));
            await ExecuteAsync(connection, tx,
                "UPDATE payment_events SET merchant_id = @m, snapshot = jsonb_set(snapshot::jsonb, '{merchant_id}', to_jsonb(@m::text))::text WHERE merchant_id = ''",
                cancellationToken, ("m", merchantId));
            await ExecuteAsync(connection, tx, "UPDATE event_positions SET merchant_id = @m WHERE merchant_id = ''", cancellationToken, ("m", merchantId));
            await ExecuteAsync(connection, tx, "UPDATE webhook_endpoints SET merchant_id = @m WHERE merchant_id = ''", cancellationToken, ("m", merchantId));
            await ExecuteAsync(connection, tx, "UPDATE idempotency_keys SET merchant_id = @m WHERE merchant_id = ''", cancellationToken, ("m", merchantId));
            if (payments > 0)
            {
                await PostgresAudit.WriteAsync(connection, tx, audit with { Detail = $"payments={payments}" }, cancellationToken);
            }
            return payments;
        }, cancellationToken);

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        await ReadAsync("""
            SELECT sequence, time, actor, action, target, merchant_id, detail FROM audit_log
            WHERE sequence < @before ORDER BY sequence DESC LIMIT @limit
            """, r => new AuditEntry(r.GetInt64(0), Time(r, 1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6)), cancellationToken, ("before", beforeSequence ?? long.MaxValue), ("limit", limit));

    private Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        database.ReadAsync(c => QueryAsync(c, null, sql, row, cancellationToken, parameters), cancellationToken);
}
