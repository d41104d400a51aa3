using Npgsql;
using Paygate.Gateway.Merchants;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Writes an audit entry inside the transaction of the action it records.</summary>
internal static class PostgresAudit
{
    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry entry, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, tx, """
            INSERT INTO audit_log (time, actor, action, target, merchant_id, detail) VALUES (@time, @actor, @action, @target, @merchant, @detail)
            """, cancellationToken, ("time", entry.Time.ToUnixTimeMilliseconds()), ("actor", entry.Actor), ("action", entry.Action), ("target", entry.Target),
            ("merchant", entry.MerchantId), ("detail", entry.Detail));
}
