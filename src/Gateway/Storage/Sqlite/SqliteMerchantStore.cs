using Microsoft.Data.Sqlite;
using Paygate.Gateway.Merchants;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;
using static Paygate.Gateway.Storage.StoreRows;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Merchants, API keys and the audit log in the gateway's SQLite database (schema v9).</summary>
public sealed class SqliteMerchantStore(SqliteDatabase database) : IMerchantStore
{

    public Task InsertMerchantAsync(Merchant merchant, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, """
                INSERT INTO merchants (id, name, rate_per_second, rate_burst, create_time) VALUES ($id, $name, $rate, $burst, $time)
                """, ("$id", merchant.Id), ("$name", merchant.Name), ("$rate", merchant.RateLimit?.PerSecond ?? 0), ("$burst", merchant.RateLimit?.Burst ?? 0),
                ("$time", merchant.CreateTime.ToUnixTimeMilliseconds()));
            SqliteAudit.Write(connection, tx, audit);
        });

    public Task<Merchant?> GetMerchantAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(c => Query(c, null, MerchantColumns + "WHERE id = $id", Merchant, ("$id", id))).SingleOrDefault());

    public Task<IReadOnlyList<Merchant>> ListMerchantsAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Merchant>>(database.Read(c => Query(c, null,
            MerchantColumns + "WHERE ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit", Merchant, ("$after", afterId), ("$limit", limit))));

    public Task InsertKeyAsync(ApiKey key, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, """
                INSERT INTO api_keys (id, role, merchant_id, prefix, hash, description, create_time, expire_time, revoke_time, last_use_time)
                VALUES ($id, $role, $merchant, $prefix, $hash, $description, $time, $expires, NULL, NULL)
                """, ("$id", key.Id), ("$role", (int)key.Role), ("$merchant", key.MerchantId), ("$prefix", key.Prefix), ("$hash", key.Hash),
                ("$description", key.Description), ("$time", key.CreateTime.ToUnixTimeMilliseconds()), ("$expires", key.ExpireTime?.ToUnixTimeMilliseconds()));
            SqliteAudit.Write(connection, tx, audit);
        });

    public Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(c => Query(c, null, KeyColumns + "WHERE hash = $hash", Key, ("$hash", hash))).SingleOrDefault());

    public Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(c => Query(c, null, KeyColumns + "WHERE id = $id", Key, ("$id", id))).SingleOrDefault());

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? merchantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiKey>>(database.Read(c => merchantId is null
            ? Query(c, null, KeyColumns + "WHERE merchant_id IS NULL ORDER BY create_time DESC, id DESC", Key)
            : Query(c, null, KeyColumns + "WHERE merchant_id = $m ORDER BY create_time DESC, id DESC", Key, ("$m", merchantId))));

    public Task<ApiKey?> RevokeKeyAsync(string id, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, "UPDATE api_keys SET revoke_time = $now WHERE id = $id AND revoke_time IS NULL", ("$now", now.ToUnixTimeMilliseconds()), ("$id", id));
            var key = Query(connection, tx, KeyColumns + "WHERE id = $id", Key, ("$id", id)).SingleOrDefault();
            if (key is not null)
            {
                SqliteAudit.Write(connection, tx, audit);
            }
            return key;
        });

    public Task RecordKeyUseAsync(string id, DateTimeOffset time, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) => Execute(connection, tx,
            "UPDATE api_keys SET last_use_time = $t WHERE id = $id AND (last_use_time IS NULL OR last_use_time < $t)", ("$t", time.ToUnixTimeMilliseconds()), ("$id", id)));

    public Task<bool> AnyKeyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(c => Scalar(c, null, "SELECT 1 FROM api_keys LIMIT 1") is not null));

    public Task<int> AdoptUnownedAsync(string merchantId, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            // The body is the payment as the core reads it: its merchant changes with the column.
            var payments = Execute(connection, tx, "UPDATE payments SET merchant_id = $m, body = json_set(body, '$.merchant_id', $m) WHERE merchant_id = ''", ("$m", merchantId));
            Execute(connection, tx, "UPDATE payment_events SET merchant_id = $m, snapshot = json_set(snapshot, '$.merchant_id', $m) WHERE merchant_id = ''", ("$m", merchantId));
            Execute(connection, tx, "UPDATE webhook_endpoints SET merchant_id = $m WHERE merchant_id = ''", ("$m", merchantId));
            Execute(connection, tx, "UPDATE idempotency_keys SET merchant_id = $m WHERE merchant_id = ''", ("$m", merchantId));
            if (payments > 0)
            {
                SqliteAudit.Write(connection, tx, audit with { Detail = $"payments={payments}" });
            }
            return payments;
        }, _ => database.RecentPayments.Clear());

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>(database.Read(c => Query(c, null, """
            SELECT sequence, time, actor, action, target, merchant_id, detail FROM audit_log
            WHERE ($before IS NULL OR sequence < $before) ORDER BY sequence DESC LIMIT $limit
            """, r => new AuditEntry(r.GetInt64(0), Time(r, 1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6)), ("$before", beforeSequence), ("$limit", limit))));
}
