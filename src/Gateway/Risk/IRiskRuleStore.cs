using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Risk;

/// <summary>
/// The versions of the risk rule set, kept in the gateway's store so that every instance on a shared database decides by the
/// same rules (each instance's refresher picks up a newer version).
/// </summary>
public interface IRiskRuleStore
{
    /// <summary>The newest version's number, 0 when there is none yet.</summary>
    Task<long> LatestVersionAsync(CancellationToken cancellationToken);

    /// <summary>A version with its document, or null.</summary>
    Task<RiskRuleVersion?> GetAsync(long version, CancellationToken cancellationToken);

    /// <summary>
    /// Adds version <paramref name="after"/> + 1 if <paramref name="after"/> is still the newest, with <paramref name="audit"/> in the
    /// same unit of work. Null when another version came first (nothing written): the caller lost a race or held an old version.
    /// </summary>
    Task<RiskRuleVersion?> AddAsync(long after, string document, string createdBy, DateTimeOffset time, long listEntries, AuditEntry? audit,
        CancellationToken cancellationToken);

    /// <summary>Versions older than <paramref name="beforeVersion"/> (all when null), newest first, without their documents.</summary>
    Task<IReadOnlyList<RiskRuleVersion>> ListAsync(long? beforeVersion, int limit, CancellationToken cancellationToken);
}
