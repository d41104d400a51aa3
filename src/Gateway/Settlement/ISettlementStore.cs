using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Settlement;

/// <summary>
/// Settlement runs, the settled marks of attempts and refunds, and the mismatches each day's file left. A day's result is
/// written in one transaction and replaces the day's earlier result, so that running a day again is idempotent.
/// </summary>
public interface ISettlementStore
{
    /// <summary>
    /// Saves a succeeded run and its day's result in one transaction: the channel's marks and mismatches of that day are
    /// replaced by <paramref name="marks"/> and <paramref name="mismatches"/> (a mark of another day for the same transaction is kept as it is:
    /// a transaction is settled once, on the first day a file confirmed it).
    /// </summary>
    Task SaveRunAsync(SettlementRun run, IReadOnlyList<SettlementMark> marks, IReadOnlyList<SettlementMismatch> mismatches, CancellationToken cancellationToken);

    /// <summary>Saves a failed run; the day's earlier result stays as it was.</summary>
    Task SaveFailedRunAsync(SettlementRun run, CancellationToken cancellationToken);

    /// <summary>Runs newest first, of one channel or all, below <paramref name="beforeSequence"/> when given.</summary>
    Task<IReadOnlyList<SettlementRun>> ListRunsAsync(string? channel, long? beforeSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Mismatches newest first, of one channel and day or all, below <paramref name="beforeSequence"/> when given.</summary>
    Task<IReadOnlyList<SettlementMismatch>> ListMismatchesAsync(string? channel, DateOnly? date, long? beforeSequence, int limit, CancellationToken cancellationToken);

    /// <summary>A payment's marks: its attempts' first, then its refunds'.</summary>
    Task<IReadOnlyList<SettlementMark>> MarksOfPaymentAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>The mark of one transaction, from whichever day's file confirmed it.</summary>
    Task<SettlementMark?> FindMarkAsync(string channel, SettlementLineKind kind, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// The payments with an attempt on <paramref name="channel"/> that may hold a success (of an attempt or a refund) between
    /// <paramref name="from"/> and <paramref name="to"/>: created before <paramref name="to"/> and changed since <paramref name="from"/>.
    /// A superset; the caller picks the successes of the day. Ordered by id, after <paramref name="afterId"/> when given.
    /// </summary>
    Task<IReadOnlyList<Payment>> CandidatesAsync(string channel, DateTimeOffset from, DateTimeOffset to, string? afterId, int limit, CancellationToken cancellationToken);
}
