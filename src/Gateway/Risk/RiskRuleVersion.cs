namespace Paygate.Gateway.Risk;

/// <summary>One stored version of the risk rule set.</summary>
/// <param name="Version">From 1 up, with no gaps: each update makes the next.</param>
/// <param name="Document">The rules as JSON (docs/risk.md); empty in listings.</param>
/// <param name="CreatedBy">The operator key's id, or <c>config</c> for the rules loaded from configuration.</param>
/// <param name="CreateTime">When it was made.</param>
/// <param name="ListEntries">How many entries its lists hold in all.</param>
public sealed record RiskRuleVersion(long Version, string Document, string CreatedBy, DateTimeOffset CreateTime, long ListEntries);
