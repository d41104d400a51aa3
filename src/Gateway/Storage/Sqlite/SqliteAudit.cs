using Microsoft.Data.Sqlite;
using Paygate.Gateway.Merchants;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Writes an audit entry inside the unit of work of the action it records.</summary>
internal static class SqliteAudit
{
    public static void Write(SqliteConnection connection, SqliteTransaction tx, AuditEntry entry) =>
        Execute(connection, tx, """
            INSERT INTO audit_log (time, actor, action, target, merchant_id, detail) VALUES ($time, $actor, $action, $target, $merchant, $detail)
            """, ("$time", entry.Time.ToUnixTimeMilliseconds()), ("$actor", entry.Actor), ("$action", entry.Action), ("$target", entry.Target),
            ("$merchant", entry.MerchantId), ("$detail", entry.Detail));
}
