using Microsoft.Data.Sqlite;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Risk;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Risk rule set versions in the gateway's SQLite database (schema v12).</summary>
public sealed class SqliteRiskRuleStore(SqliteDatabase database) : IRiskRuleStore
{
    private const string Columns = "SELECT version, document, created_by, create_time, list_entries FROM risk_rule_versions";

    public Task<long> LatestVersionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Convert.ToInt64(Scalar(connection, null, "SELECT COALESCE(MAX(version), 0) FROM risk_rule_versions"))));

    public Task<RiskRuleVersion?> GetAsync(long version, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, Columns + " WHERE version = $v", r => Row(r, withDocument: true), ("$v", version)).SingleOrDefault()));

    public Task<RiskRuleVersion?> AddAsync(long after, string document, string createdBy, DateTimeOffset time, long listEntries, AuditEntry? audit,
        CancellationToken cancellationToken) =>
        database.WriteAsync<RiskRuleVersion?>((connection, tx) =>
        {
            // The writer is the only one: no other version can come between this check and the insert.
            if (Convert.ToInt64(Scalar(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM risk_rule_versions")) != after)
            {
                return null;
            }
            var version = new RiskRuleVersion(after + 1, document, createdBy, time, listEntries);
            Execute(connection, tx, """
                INSERT INTO risk_rule_versions (version, document, created_by, create_time, list_entries) VALUES ($v, $document, $by, $time, $entries)
                """, ("$v", version.Version), ("$document", document), ("$by", createdBy), ("$time", time.ToUnixTimeMilliseconds()), ("$entries", listEntries));
            if (audit is not null)
            {
                SqliteAudit.Write(connection, tx, audit);
            }
            return version;
        });

    public Task<IReadOnlyList<RiskRuleVersion>> ListAsync(long? beforeVersion, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RiskRuleVersion>>(database.Read(connection => Query(connection, null,
            "SELECT version, '', created_by, create_time, list_entries FROM risk_rule_versions WHERE version < $before ORDER BY version DESC LIMIT $limit",
            r => Row(r, withDocument: false), ("$before", beforeVersion ?? long.MaxValue), ("$limit", limit))));

    private static RiskRuleVersion Row(SqliteDataReader r, bool withDocument) =>
        new(r.GetInt64(0), withDocument ? r.GetString(1) : "", r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetInt64(4));
}
