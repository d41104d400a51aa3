namespace Paygate.Gateway.Evidence;

/// <summary>The evidence chain's log lines, source-generated.</summary>
internal static partial class EvidenceLog
{
    /// <summary>
    /// At Information on purpose: the log is the head's copy outside the database, which an operator ships to wherever the
    /// database's writers cannot reach.
    /// </summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Evidence chain head published: sequence {Sequence}, hash {Hash}")]
    public static partial void HeadPublished(this ILogger logger, long sequence, string hash);
}
