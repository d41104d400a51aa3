using Paygate.Adapters.Contract;

namespace Paygate.Gateway.Settlement;

public enum SettlementRunState
{
    Succeeded = 1,
    /// <summary>The file could not be had or does not parse; nothing was changed.</summary>
    Failed = 2,
}

/// <summary>One reconciliation of one channel's day: what the file held and what came of it, or why it failed.</summary>
public sealed record SettlementRun(string Id, string Channel, DateOnly Date, SettlementRunState State, string? FileName, int Lines, int Settled, int Mismatches, int Resolved,
    string? ErrorCode, string? ErrorMessage, int ErrorLine, string Actor, DateTimeOffset StartTime, DateTimeOffset FinishTime)
{
    /// <summary>The store's position of the run (newest highest); 0 before it is saved.</summary>
    public long Sequence { get; init; }
}

public enum SettlementMismatchKind
{
    /// <summary>The file has a transaction the gateway has no record of.</summary>
    MissingAtGateway = 1,
    /// <summary>The gateway has a success of that day the file leaves out.</summary>
    MissingAtChannel = 2,
    AmountDiffers = 3,
    /// <summary>Paid at one side, not at the other.</summary>
    StateDiffers = 4,
    /// <summary>
    /// The channel settled it twice: the file lists the same order or refund more than once, or another day's file already
    /// settled it (that day's mark is kept).
    /// </summary>
    DuplicateAtChannel = 5,
}

/// <summary>A file line that does not agree with the gateway, or a gateway success the file leaves out (<see cref="Line"/> 0).</summary>
public sealed record SettlementMismatch(string RunId, string Channel, DateOnly Date, SettlementMismatchKind Kind, SettlementLineKind LineKind, string Reference,
    string? RefundReference, string? PaymentId, string? RefundId, long ChannelAmountMinor, long GatewayAmountMinor, string Currency, string? ChannelState,
    string? GatewayState, int Line, bool Resolved, string Note)
{
    public long Sequence { get; init; }
}

/// <summary>
/// A payment's attempt or refund that a settlement file confirmed: the day, the amount, the channel's fee and the file.
/// Keyed by channel, kind and reference (the attempt's order number or the refund's own number).
/// </summary>
public sealed record SettlementMark(string Channel, SettlementLineKind Kind, string Reference, string PaymentId, string TargetId, DateOnly Date, long AmountMinor,
    string Currency, long FeeMinor, string FileName, string RunId);
