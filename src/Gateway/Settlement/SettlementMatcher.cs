using Paygate.Adapters.Contract;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Settlement;

/// <summary>
/// What the gateway holds of one file line: its payment and, for a refund line, the refund (or an automatic one); for a
/// chargeback line, the card dispute the acquirer opened on that payment (the caller looks it up).
/// </summary>
internal sealed record GatewayView(Payment? Payment, Attempt? Attempt, Refund? Refund, DuplicateRefund? AutomaticRefund, Dispute? Dispute = null);

/// <summary>How one line compares.</summary>
/// <param name="Mark">Set when it agrees: the settled mark.</param>
/// <param name="Mismatch">Set when it does not.</param>
/// <param name="Resolvable">Whether asking the channel can settle it: the gateway's side is still unfinished (a payment
/// waiting for its payer or in flight, a refund pending) and the file says the money moved.</param>
internal sealed record LineMatch(SettlementMark? Mark, SettlementMismatch? Mismatch, bool Resolvable);

/// <summary>
/// Compares a settlement file with the gateway's records, with no side effects: each line against its attempt or refund,
/// then the gateway's successes of the day against the lines. The rules are in docs/settlement.md.
/// </summary>
internal sealed class SettlementMatcher(string channel, DateOnly date, string runId, string fileName)
{
    private readonly HashSet<(SettlementLineKind, string)> _seen = [];

    /// <summary>The key a line is settled under: its kind and the refund's own number or the order number.</summary>
    public static (SettlementLineKind Kind, string Reference) Key(SettlementLine line) =>
        (line.Kind, line.Kind == SettlementLineKind.Refund ? line.RefundReference ?? "" : line.OrderReference);

    /// <summary>
    /// Matches a line as <see cref="Match"/> does, but first refuses to settle anything twice: a line whose kind and reference
    /// an earlier line of this file already had, or which would settle what <paramref name="earlier"/> (another day's file)
    /// settled already, is <see cref="SettlementMismatchKind.DuplicateAtChannel"/>. The channel then paid or took back the
    /// money twice, which a mark that silently absorbed the second line (or moved to the later day) would hide.
    /// </summary>
    public LineMatch MatchOnce(SettlementLine line, GatewayView view, SettlementMark? earlier)
    {
        if (!_seen.Add(Key(line)))
        {
            return Mismatch(line, SettlementMismatchKind.DuplicateAtChannel, view, 0, null, false,
                $"the file lists {(line.Kind == SettlementLineKind.Refund ? $"refund {line.RefundReference}" : $"order {line.OrderReference}")} "
                + $"({line.Kind.ToString().ToLowerInvariant()}) more than once: a second {line.AmountMinor} {line.Currency}");
        }
        var match = Match(line, view);
        if (match.Mark is null || earlier is null || earlier.Date == date)
        {
            return match;
        }
        return Mismatch(line, SettlementMismatchKind.DuplicateAtChannel, view, earlier.AmountMinor, "SETTLED", false,
            $"already settled on {earlier.Date:yyyy-MM-dd} by {earlier.FileName} (run {earlier.RunId}); the channel settles it again: that day's mark is kept");
    }

    /// <summary>Reads what the gateway holds of a line from its payment (found by the line's order number).</summary>
    public GatewayView View(SettlementLine line, Payment? payment)
    {
        var attempt = payment?.FindAttempt(channel, line.OrderReference);
        if (payment is null || attempt is null || line.Kind != SettlementLineKind.Refund)
        {
            return new GatewayView(payment, attempt, null, null);
        }
        var refund = payment.Refunds.FirstOrDefault(r => r.Channel == channel && r.Reference == line.RefundReference);
        var automatic = refund is null && attempt.DuplicateRefund is { } d && d.Reference == line.RefundReference ? d : null;
        return new GatewayView(payment, attempt, refund, automatic);
    }

    public LineMatch Match(SettlementLine line, GatewayView view)
    {
        if (view.Payment is null || view.Attempt is null)
        {
            return Mismatch(line, SettlementMismatchKind.MissingAtGateway, view, 0, null, false,
                $"no payment of the gateway has {channel} order {line.OrderReference}");
        }
        return line.Kind switch
        {
            SettlementLineKind.Payment => MatchPayment(line, view.Payment, view.Attempt),
            SettlementLineKind.Refund => MatchRefund(line, view),
            _ => MatchChargeback(line, view),
        };
    }

    /// <summary>
    /// A chargeback agrees when the gateway holds the acquirer's card dispute on that payment (it then lives on as a dispute,
    /// nothing is marked); without one the gateway missed the acquirer's notice.
    /// </summary>
    private LineMatch MatchChargeback(SettlementLine line, GatewayView view) =>
        view.Dispute is not null
            ? new LineMatch(null, null, false)
            : Mismatch(line, SettlementMismatchKind.MissingAtGateway, view, 0, null, false,
                $"a chargeback of {line.AmountMinor} {line.Currency} on payment {view.Payment!.Id}: the gateway holds no card dispute of it; answer it as a dispute");

    private LineMatch MatchPayment(SettlementLine line, Payment payment, Attempt attempt)
    {
        var expected = attempt.SettlementAmount(payment);
        var gatewayState = GatewayState(payment, attempt);
        var paid = attempt.State == AttemptState.Succeeded;
        var view = new GatewayView(payment, attempt, null, null);
        if (line.Succeeded && paid)
        {
            return expected.AmountMinor == line.AmountMinor && expected.Currency.Code == line.Currency
                ? new LineMatch(new SettlementMark(channel, SettlementLineKind.Payment, line.OrderReference, payment.Id, attempt.Id, date, line.AmountMinor, line.Currency, line.FeeMinor,
                    fileName, runId), null, false)
                : Mismatch(line, SettlementMismatchKind.AmountDiffers, view, expected.AmountMinor, gatewayState, false,
                    $"the channel settled {line.AmountMinor} {line.Currency}, the gateway collected {expected.AmountMinor} {expected.Currency.Code}");
        }
        if (line.Succeeded)
        {
            var open = !payment.State.IsFinal() && attempt.State is AttemptState.Pending or AttemptState.Unknown or AttemptState.RequiresAction;
            return Mismatch(line, SettlementMismatchKind.StateDiffers, view, expected.AmountMinor, gatewayState, open,
                open ? $"the channel settled it; the gateway holds payment {payment.Id} {gatewayState}"
                    : $"the channel settled it; the gateway holds payment {payment.Id} {gatewayState} (closed): refund the payer or investigate");
        }
        return paid
            ? Mismatch(line, SettlementMismatchKind.StateDiffers, view, expected.AmountMinor, gatewayState, false,
                $"the channel reports {line.State}; the gateway holds the attempt paid")
            : new LineMatch(null, null, false);
    }

    private LineMatch MatchRefund(SettlementLine line, GatewayView view)
    {
        var (payment, attempt) = (view.Payment!, view.Attempt!);
        var currency = attempt.SettlementAmount(payment).Currency.Code;
        if (view.AutomaticRefund is { } automatic)
        {
            var amount = attempt.SettlementAmount(payment).AmountMinor;
            return automatic.Done && line.Succeeded && amount == line.AmountMinor && currency == line.Currency
                ? new LineMatch(new SettlementMark(channel, SettlementLineKind.Refund, line.RefundReference!, payment.Id, attempt.Id, date, line.AmountMinor, line.Currency, line.FeeMinor,
                    fileName, runId), null, false)
                : Mismatch(line, automatic.Done && line.Succeeded ? SettlementMismatchKind.AmountDiffers : SettlementMismatchKind.StateDiffers, view, amount,
                    automatic.Done ? "SUCCEEDED" : "PENDING", !automatic.Done && line.Succeeded,
                    $"the automatic refund of duplicate attempt {attempt.Id}: the channel reports {line.State} {line.AmountMinor} {line.Currency}");
        }
        if (view.Refund is not { } refund)
        {
            return Mismatch(line, SettlementMismatchKind.MissingAtGateway, view, 0, null, false,
                $"payment {payment.Id} has no refund {line.RefundReference} on {channel}");
        }
        var expected = refund.SettlementAmountMinor ?? refund.AmountMinor;
        var state = refund.State.ToString().ToUpperInvariant();
        if (line.Succeeded && refund.State == RefundState.Succeeded)
        {
            return expected == line.AmountMinor && currency == line.Currency
                ? new LineMatch(new SettlementMark(channel, SettlementLineKind.Refund, refund.Reference, payment.Id, refund.Id, date, line.AmountMinor, line.Currency, line.FeeMinor,
                    fileName, runId), null, false)
                : Mismatch(line, SettlementMismatchKind.AmountDiffers, view, expected, state, false,
                    $"the channel gave back {line.AmountMinor} {line.Currency}, the gateway's refund {refund.Id} is {expected} {currency}");
        }
        if (line.Succeeded)
        {
            return Mismatch(line, SettlementMismatchKind.StateDiffers, view, expected, state, refund.State == RefundState.Pending,
                $"the channel gave the money back; the gateway holds refund {refund.Id} {state}");
        }
        return refund.State == RefundState.Succeeded
            ? Mismatch(line, SettlementMismatchKind.StateDiffers, view, expected, state, false, $"the channel reports {line.State}; the gateway holds refund {refund.Id} SUCCEEDED")
            : new LineMatch(null, null, false);
    }

    /// <summary>
    /// The gateway's successes on this channel in the day [<paramref name="from"/>, <paramref name="to"/>) of a payment that no
    /// line named: each is missing at the channel (unless another day's file confirmed it, which the caller checks).
    /// </summary>
    public IEnumerable<SettlementMismatch> MissingAtChannel(Payment payment, DateTimeOffset from, DateTimeOffset to, ISet<(SettlementLineKind, string)> inFile)
    {
        bool InDay(DateTimeOffset time) => time >= from && time < to;
        foreach (var attempt in payment.Attempts.Where(a => a.Channel == channel && a.State == AttemptState.Succeeded && InDay(a.UpdateTime)))
        {
            if (!inFile.Contains((SettlementLineKind.Payment, attempt.Reference)))
            {
                var amount = attempt.SettlementAmount(payment);
                yield return new SettlementMismatch(runId, channel, date, SettlementMismatchKind.MissingAtChannel, SettlementLineKind.Payment, attempt.Reference, null, payment.Id, null,
                    0, amount.AmountMinor, amount.Currency.Code, null, "SUCCEEDED", 0, false, $"the gateway holds attempt {attempt.Id} paid on this day; the file does not list it");
            }
        }
        foreach (var refund in payment.Refunds.Where(r => r.Channel == channel && r.State == RefundState.Succeeded && InDay(r.UpdateTime)))
        {
            if (!inFile.Contains((SettlementLineKind.Refund, refund.Reference)))
            {
                var attempt = payment.FindAttempt(channel, refund.PaymentReference);
                var currency = attempt?.SettlementAmount(payment).Currency.Code ?? payment.Currency;
                yield return new SettlementMismatch(runId, channel, date, SettlementMismatchKind.MissingAtChannel, SettlementLineKind.Refund, refund.PaymentReference, refund.Reference,
                    payment.Id, refund.Id, 0, refund.SettlementAmountMinor ?? refund.AmountMinor, currency, null, "SUCCEEDED", 0, false,
                    $"the gateway holds refund {refund.Id} succeeded on this day; the file does not list it");
            }
        }
    }

    private LineMatch Mismatch(SettlementLine line, SettlementMismatchKind kind, GatewayView view, long gatewayAmount, string? gatewayState, bool resolvable, string note) =>
        new(null, new SettlementMismatch(runId, channel, date, kind, line.Kind, line.OrderReference, line.RefundReference, view.Payment?.Id, view.Refund?.Id, line.AmountMinor,
            gatewayAmount, line.Currency, line.State, gatewayState, line.LineNumber, false, note), resolvable);

    private static string GatewayState(Payment payment, Attempt attempt) =>
        attempt.State == AttemptState.Succeeded ? "SUCCEEDED" : payment.State.ToString().ToUpperInvariant() switch
        {
            "REQUIRESACTION" => "REQUIRES_ACTION",
            var s => s,
        };
}
