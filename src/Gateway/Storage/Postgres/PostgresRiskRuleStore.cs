using Npgsql;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Risk;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Risk rule set versions in the shared database (schema v3). Two instances updating from the same version at once: the primary key
/// lets one insert, the other's insert does nothing and it is told it lost.
/// </summary>
public sealed class PostgresRiskRuleStore(PostgresDatabase database) : IRiskRuleStore
{
    public Task<long> LatestVersionAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM risk_rule_versions", cancellationToken)), cancellationToken);

    public async Task<RiskRuleVersion?> GetAsync(long version, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null,
            "SELECT version, document, created_by, create_time, list_entries FROM risk_rule_versions WHERE version = @v",
            r => Row(r, withDocument: true), cancellationToken, ("v", version)), cancellationToken)).SingleOrDefault();

    public Task<RiskRuleVersion?> AddAsync(long after, string document, string createdBy, DateTimeOffset time, long listEntries, AuditEntry? audit,
        CancellationToken cancellationToken) =>
        database.WriteAsync<RiskRuleVersion?>(async (connection, tx) =>
        {
            var inserted = await ExecuteAsync(connection, tx, """
                INSERT INTO risk_rule_versions (version, document, created_by, create_time, list_entries)
                SELECT @v, @document, @by, @time, @entries
                WHERE (SELECT COALESCE(MAX(version), 0) FROM risk_rule_versions) = @after
                ON CONFLICT (version) DO NOTHING
                """, cancellationToken, ("v", after + 1), ("document", document), ("by", createdBy), ("time", time.ToUnixTimeMilliseconds()),
                ("entries", listEntries), ("after", after));
            if (inserted == 0)
            {
                return null;
            }
            if (audit is not null)
            {
                await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
            }
            return new RiskRuleVersion(after + 1, document, createdBy, time, listEntries);
        }, cancellationToken);

    public async Task<IReadOnlyList<RiskRuleVersion>> ListAsync(long? beforeVersion, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            "SELECT version, '', created_by, create_time, list_entries FROM risk_rule_versions WHERE version < @before ORDER BY version DESC LIMIT @limit",
            r => Row(r, withDocument: false), cancellationToken, ("before", beforeVersion ?? long.MaxValue), ("limit", limit)), cancellationToken);

    private static RiskRuleVersion Row(NpgsqlDataReader r, bool withDocument) =>
        new(r.GetInt64(0), withDocument ? r.GetString(1) : "", r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetInt64(4));
}
