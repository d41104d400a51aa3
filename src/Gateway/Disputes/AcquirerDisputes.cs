using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// Opens and moves disputes on the card acquirer's verified notices. A dispute is the acquirer's dispute id: the first notice opens
/// it (an inquiry is ordinary, a chargeback complex, a pre-arbitration goes straight to arbitration), a later stage moves it on (a
/// new due time, reopened for the merchant's answer, also when it was closed, e.g. a chargeback after an accepted inquiry, since the
/// money moves again; pre-arbitration escalates), and a notice of a stage it is at or past changes nothing. So a resent or replayed
/// notice is applied once.
/// </summary>
public sealed class AcquirerDisputes(IDisputeStore store, IPaymentStore payments, DisputeDesk desk, ILogger<AcquirerDisputes> logger)
{
    /// <summary>Applies a notice; false when it names a payment the gateway does not know (the acquirer is told, and resends).</summary>
    public async Task<bool> ApplyAsync(string channel, ChannelDisputeNotice notice, CancellationToken cancellationToken)
    {
        var source = SourceOf(notice.Stage);
        var payment = await payments.FindByAttemptReferenceAsync(channel, notice.PaymentReference, cancellationToken);
        if (payment is null)
        {
            logger.UnknownPayment(notice.Stage.ToString(), notice.DisputeId, notice.PaymentReference);
            return false;
        }
        var existing = await store.FindByAcquirerIdAsync(notice.DisputeId, cancellationToken);
        if (existing is null)
        {
            var reason = $"card {Describe(notice.Stage)}{(notice.ReasonCode.Length > 0 ? ", reason code " + notice.ReasonCode : "")}"
                + (notice.Reason.Length > 0 ? ": " + notice.Reason : "");
            var dispute = desk.New(payment.Id, payment.MerchantId, source, Math.Min(notice.AmountMinor, payment.AmountMinor), payment.Currency, reason, null, notice.DisputeId,
                notice.ReasonCode.Length > 0 ? notice.ReasonCode : null, notice.RespondBy);
            if (await store.TryInsertAsync(dispute, cancellationToken))
            {
                await desk.OpenedAsync(dispute, cancellationToken);
                return true;
            }
            // Another instance opened it meanwhile: this notice is then a next stage, or the same one.
            existing = await store.FindByAcquirerIdAsync(notice.DisputeId, cancellationToken) ?? throw new InvalidOperationException("dispute vanished");
        }
        await desk.ChangeAsync(DisputeActor.Acquirer, existing.Id, (dispute, now) =>
        {
            if (source <= dispute.Source)
            {
                logger.NoticeChangesNothing(notice.Stage.ToString(), dispute.Id, dispute.Source, dispute.State);
                return null;
            }
            // A later stage of a closed dispute (e.g. a chargeback after an accepted inquiry) moves money again: it reopens the dispute.
            var closed = dispute.Closed ? dispute.State : (DisputeState?)null;
            dispute.Source = source;
            dispute.Complex = true;
            if (notice.ReasonCode.Length > 0)
            {
                dispute.ReasonCode = notice.ReasonCode;
            }
            dispute.AmountMinor = Math.Min(notice.AmountMinor, payment.AmountMinor);
            dispute.DueTime = desk.DueTime(now, complex: true, notice.RespondBy);
            dispute.DueBreached = false;
            dispute.Record(DisputeEventTypes.Updated, DisputeActor.Acquirer.Actor, $"the acquirer reports the {Describe(notice.Stage)}"
                + (notice.ReasonCode.Length > 0 ? $" (reason code {notice.ReasonCode})" : "")
                + (closed is { } was ? $"; reopened (it was {was.ToString().ToUpperInvariant()})" : ""), now);
            if (closed is not null)
            {
                dispute.State = DisputeState.Open;
            }
            if (dispute.State == DisputeState.RefundPending)
            {
                // A decision's refund is under way: it settles the dispute, and reopens it then for this stage (see DisputeDesk).
                return null;
            }
            if (notice.Stage == ChannelDisputeStage.PreArbitration && dispute.State != DisputeState.Escalated)
            {
                dispute.State = DisputeState.Escalated;
                dispute.Level = DisputeLevel.Arbitration;
                dispute.EscalationReason = "the acquirer's pre-arbitration";
                dispute.Record(DisputeEventTypes.Escalated, DisputeActor.Acquirer.Actor, dispute.EscalationReason, now);
            }
            else if (dispute.State == DisputeState.Contested)
            {
                // A chargeback after a contested inquiry asks for the merchant's answer again.
                dispute.State = DisputeState.Open;
            }
            return null;
        }, null, cancellationToken);
        return true;
    }

    private static DisputeSource SourceOf(ChannelDisputeStage stage) => stage switch
    {
        ChannelDisputeStage.Inquiry => DisputeSource.CardInquiry,
        ChannelDisputeStage.Chargeback => DisputeSource.CardChargeback,
        _ => DisputeSource.CardPreArbitration,
    };

    private static string Describe(ChannelDisputeStage stage) => stage switch
    {
        ChannelDisputeStage.Inquiry => "inquiry (retrieval request)",
        ChannelDisputeStage.Chargeback => "chargeback",
        _ => "pre-arbitration",
    };
}
