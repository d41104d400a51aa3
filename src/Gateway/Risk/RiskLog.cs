namespace Paygate.Gateway.Risk;

/// <summary>The risk engine's log lines, source-generated. Decisions themselves are on the payment, not in the log.</summary>
internal static partial class RiskLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Risk rule set version {Version} in force ({ListEntries} list entries)")]
    public static partial void InForce(this ILogger logger, long version, long listEntries);

    [LoggerMessage(Level = LogLevel.Error, Message = "No risk rule set could be loaded: the risk engine fails closed and blocks every payment (risk.unavailable) until one is")]
    public static partial void FailingClosed(this ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Risk rule set refresh failed; version {Version} stays in force")]
    public static partial void RefreshFailed(this ILogger logger, long version, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk rule set version {Version} in the store is refused ({Reason}); version {InForce} stays in force")]
    public static partial void VersionRefused(this ILogger logger, long version, string reason, long inForce);

    [LoggerMessage(Level = LogLevel.Information, Message = "Risk rules from configuration ({Source}) stored as version {Version}")]
    public static partial void Seeded(this ILogger logger, string source, long version);
}
