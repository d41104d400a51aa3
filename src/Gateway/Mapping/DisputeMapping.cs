using Google.Protobuf.WellKnownTypes;
using Paygate.Gateway.Disputes;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Mapping;

/// <summary>Disputes as the API shows them (the dispute service, and the <c>dispute</c> of <c>dispute.*</c> events and webhooks).</summary>
public static class DisputeMapping
{
    public static Proto.Dispute ToProto(this Dispute dispute, IEnumerable<DisputePayout>? payouts = null)
    {
        var proto = new Proto.Dispute
        {
            Id = dispute.Id,
            PaymentId = dispute.PaymentId,
            MerchantId = dispute.MerchantId,
            State = (Proto.Dispute.Types.State)(int)dispute.State,
            Level = (Proto.Dispute.Types.Level)(int)dispute.Level,
            Source = (Proto.Dispute.Types.Source)(int)dispute.Source,
            Complex = dispute.Complex,
            AmountMinor = dispute.AmountMinor,
            Currency = dispute.Currency,
            Reason = dispute.Reason,
            ReasonCode = dispute.ReasonCode ?? "",
            AcquirerDisputeId = dispute.AcquirerDisputeId ?? "",
            Report = dispute.Report is { } r ? new Proto.DisputeReport
            {
                CustomerId = r.CustomerId,
                HistorySize = r.HistorySize,
                UsualAmountMinor = r.UsualAmountMinor,
                Summary = r.Summary,
                Deviations =
                {
                    r.Deviations.Select(d => new Proto.DisputeDeviation
                    {
                        Kind = d.Kind, Observed = d.Observed, Usual = d.Usual, DeviationPercent = d.DeviationPercent ?? "", Description = d.Description,
                    }),
                },
            } : null,
            DueTime = Timestamp.FromDateTimeOffset(dispute.DueTime),
            DueBreached = dispute.DueBreached,
            EscalationReason = dispute.EscalationReason ?? "",
            Arbitration = dispute.Arbitration is { } a ? new Proto.ArbitrationDecision
            {
                Outcome = (Proto.ArbitrationDecision.Types.Outcome)(int)a.Outcome,
                Parties = { a.Parties },
                AmountMinor = a.AmountMinor,
                Note = a.Note,
                DecidedBy = a.DecidedBy,
                DecideTime = Timestamp.FromDateTimeOffset(a.DecideTime),
                RefundId = a.RefundId ?? "",
                PayoutId = a.PayoutId ?? "",
            } : null,
            RefundIds = { dispute.RefundIds },
            ChargebackMinor = dispute.ChargebackMinor,
            PendingRefundId = dispute.PendingRefund?.RefundId ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(dispute.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(dispute.UpdateTime),
        };
        proto.Evidence.AddRange(dispute.Evidence.Select(e => new Proto.DisputeEvidence
        {
            Id = e.Id,
            Kind = e.Kind,
            Description = e.Description,
            SizeBytes = e.SizeBytes,
            Sha256 = e.Sha256,
            AddedBy = e.AddedBy,
            AddTime = Timestamp.FromDateTimeOffset(e.AddTime),
        }));
        proto.History.AddRange(dispute.History.Select(h => new Proto.DisputeChange { Type = h.Type, Actor = h.Actor, Note = h.Note, Time = Timestamp.FromDateTimeOffset(h.Time) }));
        proto.Payouts.AddRange((payouts ?? []).Select(p => new Proto.DisputePayout
        {
            Id = p.Id,
            DisputeId = p.DisputeId,
            Payee = p.Payee,
            AmountMinor = p.AmountMinor,
            Currency = p.Currency,
            CreateTime = Timestamp.FromDateTimeOffset(p.CreateTime),
        }));
        return proto;
    }

    /// <summary>The dispute an event's detail carries (a <c>dispute.*</c> event); null for any other.</summary>
    public static Proto.Dispute? FromEventDetail(string type, string? detail) =>
        DisputeEventTypes.IsDisputeEvent(type) && detail is not null ? DisputeJson.Deserialize(detail).ToProto() : null;
}
