using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Settlement;

/// <summary>
/// Reconciles one channel's settlement file of one day: fetches it whole (a file that cannot be had or does not parse fails
/// the run and changes nothing), matches it line by line (<see cref="SettlementMatcher"/>), asks the channel about what the
/// gateway holds unfinished while the file says the money moved (through the lifecycle's own query paths, so a payment is
/// settled exactly as a late notification would settle it), and writes the day's marks, mismatches and run in one
/// transaction that replaces the day's earlier result: running a day again is idempotent.
/// </summary>
public sealed partial class SettlementReconciliation(IEnumerable<IPaymentChannel> channels, ISettlementStore store, IPaymentStore payments, PaymentLifecycle lifecycle,
    IDisputeStore disputes, ISharedLocks locks, TimeProvider clock, ILogger<SettlementReconciliation> logger)
{
    private const int CandidatePage = 500;

    /// <summary>The channel's settlement side, or null when it publishes no settlement files.</summary>
    public ISettlementChannel? Find(string channel) => channels.FirstOrDefault(c => c.Id == channel) as ISettlementChannel;

    /// <summary>Whether <paramref name="channel"/> is a configured channel at all.</summary>
    public bool IsConfigured(string channel) => channels.Any(c => c.Id == channel);

    /// <summary>The channels that publish settlement files.</summary>
    public IEnumerable<string> Channels => channels.Where(c => c is ISettlementChannel).Select(c => c.Id);

    /// <summary>Runs one channel's day; <paramref name="actor"/> is <c>worker</c> or the operator key's id.</summary>
    public async Task<SettlementRun> RunAsync(string channelId, DateOnly date, string actor, CancellationToken cancellationToken)
    {
        var channel = Find(channelId) ?? throw new PaymentException(ErrorCatalogue.SettlementNotOffered, $"channel {channelId} publishes no settlement files",
            [new FieldViolation("channel", "publishes no settlement files")]);
        // One run of a day at a time, on every instance: two would each replace the other's result.
        await using var held = await locks.AcquireAsync($"settlement:{channelId}:{date:yyyy-MM-dd}", cancellationToken);
        var id = PaymentIds.NewSettlementRunId(clock);
        var start = clock.GetUtcNow();
        SettlementFile file;
        try
        {
            file = await channel.FetchSettlementAsync(date, cancellationToken);
        }
        catch (SettlementFetchException ex)
        {
            return await FailAsync(new SettlementRun(id, channelId, date, SettlementRunState.Failed, null, 0, 0, 0, 0, ErrorCatalogue.SettlementFileUnavailable.Code, ex.Message, 0,
                actor, start, clock.GetUtcNow()), cancellationToken);
        }
        catch (SettlementFormatException ex)
        {
            return await FailAsync(new SettlementRun(id, channelId, date, SettlementRunState.Failed, null, 0, 0, 0, 0, ErrorCatalogue.SettlementFileMalformed.Code, ex.Reason, ex.Line,
                actor, start, clock.GetUtcNow()), cancellationToken);
        }

        var matcher = new SettlementMatcher(channelId, date, id, file.Name);
        var marks = new List<SettlementMark>();
        var mismatches = new List<SettlementMismatch>();
        var resolved = 0;
        foreach (var line in file.Lines)
        {
            var view = matcher.View(line, await payments.FindByAttemptReferenceAsync(channelId, line.OrderReference, cancellationToken));
            if (line.Kind == SettlementLineKind.Chargeback && view.Payment is { } charged)
            {
                view = view with { Dispute = await CardDisputeAsync(charged.Id, cancellationToken) };
            }
            var key = SettlementMatcher.Key(line);
            var earlier = line.Kind == SettlementLineKind.Chargeback ? null : await store.FindMarkAsync(channelId, key.Kind, key.Reference, cancellationToken);
            var match = matcher.MatchOnce(line, view, earlier);
            if (match.Resolvable)
            {
                // The file says the money moved while the gateway still waits: ask the channel, as recovery would.
                var after = await ResolveAsync(view.Payment!, line);
                var again = matcher.Match(line, matcher.View(line, after));
                if (again.Mark is not null)
                {
                    resolved++;
                    LogResolved(channelId, line.OrderReference, match.Mismatch!.GatewayState ?? "", after.State);
                    match = again with
                    {
                        Mismatch = match.Mismatch! with
                        {
                            Resolved = true,
                            Note = $"{match.Mismatch.Note}; asked {channelId}: it confirmed the {(line.Kind == SettlementLineKind.Refund ? "refund" : "payment")}, now {Upper(after.State)} and settled",
                        },
                    };
                }
                else
                {
                    match = match with { Mismatch = match.Mismatch! with { Note = $"{match.Mismatch.Note}; asked {channelId}: not settled by its answer (the gateway now holds {Upper(after.State)})" } };
                }
            }
            if (match.Mark is not null)
            {
                marks.Add(match.Mark);
            }
            if (match.Mismatch is not null)
            {
                mismatches.Add(match.Mismatch);
            }
        }

        // The gateway's successes of the day that no line named.
        var offset = channel.SettlementDayOffset;
        var from = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), offset);
        var to = from.AddDays(1);
        var inFile = file.Lines.Select(l => ((SettlementLineKind, string))SettlementMatcher.Key(l)).ToHashSet();
        var settledElsewhere = new Dictionary<(SettlementLineKind, string), bool>();
        string? lastId = null;
        while (true)
        {
            var page = await store.CandidatesAsync(channelId, from, to, lastId, CandidatePage, cancellationToken);
            foreach (var payment in page)
            {
                foreach (var missing in matcher.MissingAtChannel(payment, from, to, inFile))
                {
                    var key = (missing.LineKind, missing.RefundReference ?? missing.Reference);
                    if (!settledElsewhere.TryGetValue(key, out var elsewhere))
                    {
                        var mark = await store.FindMarkAsync(channelId, key.LineKind, key.Item2, cancellationToken);
                        elsewhere = settledElsewhere[key] = mark is not null && mark.Date != date;
                    }
                    if (!elsewhere)
                    {
                        mismatches.Add(missing);
                    }
                }
            }
            if (page.Count < CandidatePage)
            {
                break;
            }
            lastId = page[^1].Id;
        }

        var run = new SettlementRun(id, channelId, date, SettlementRunState.Succeeded, file.Name, file.Lines.Count, marks.Count, mismatches.Count, resolved, null, null, 0, actor, start,
            clock.GetUtcNow());
        await store.SaveRunAsync(run, marks, mismatches, cancellationToken);
        LogRun(channelId, date, file.Lines.Count, marks.Count, mismatches.Count, resolved);
        return run;
    }

    /// <summary>The card dispute (chargeback or pre-arbitration) the acquirer opened on a payment, if the gateway holds one.</summary>
    private async Task<Dispute?> CardDisputeAsync(string paymentId, CancellationToken cancellationToken)
    {
        var found = await disputes.ListAsync(new DisputeFilter(null, PaymentId: paymentId), null, 50, cancellationToken);
        return found.FirstOrDefault(d => d.Source is DisputeSource.CardChargeback or DisputeSource.CardPreArbitration);
    }

    private async Task<SettlementRun> FailAsync(SettlementRun run, CancellationToken cancellationToken)
    {
        await store.SaveFailedRunAsync(run, cancellationToken);
        LogFailed(run.Channel, run.Date, run.ErrorCode!, run.ErrorLine, run.ErrorMessage!);
        return run;
    }

    /// <summary>
    /// Asks the channel about the unfinished side of a line through the lifecycle: a pending refund is queried; a payment
    /// waiting for its payer is asked about as the payer-query schedule would; an attempt in flight or unknown is resolved
    /// as the recovery worker would. Returns the payment as it is afterwards.
    /// </summary>
    private async Task<Payment> ResolveAsync(Payment payment, SettlementLine line)
    {
        if (line.Kind == SettlementLineKind.Refund)
        {
            return await lifecycle.ResolvePendingRefundsAsync(payment);
        }
        if (payment.State == PaymentState.RequiresAction)
        {
            payment = await lifecycle.QueryAwaitingPayerAsync(payment);
        }
        if (payment.Attempts.Any(a => a.State is AttemptState.Pending or AttemptState.Unknown))
        {
            payment = await lifecycle.ResolveOpenAttemptsAsync(payment);
        }
        return payment;
    }

    private static string Upper(PaymentState state) => state == PaymentState.RequiresAction ? "REQUIRES_ACTION" : state.ToString().ToUpperInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "Settlement of {Channel} {Date}: {Lines} lines, {Settled} settled, {Mismatches} mismatches ({Resolved} resolved by query)")]
    private partial void LogRun(string channel, DateOnly date, int lines, int settled, int mismatches, int resolved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlement of {Channel} {Date} failed ({Code}, line {Line}): {Reason}; nothing was changed")]
    private partial void LogFailed(string channel, DateOnly date, string code, int line, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settlement: {Channel} order {Reference} was {GatewayState} at the gateway and settled at the channel; asked, now {State}")]
    private partial void LogResolved(string channel, string reference, string gatewayState, PaymentState state);
}
