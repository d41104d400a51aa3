using Google.Protobuf.WellKnownTypes;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk.Indicators;
using Proto = Paygate.V1;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Mapping;

/// <summary>From the payment core's types to the API's messages.</summary>
public static class PaymentMapping
{
    public static Proto.Payment ToProto(this Payment payment)
    {
        var proto = new Proto.Payment
        {
            Id = payment.Id,
            State = (Proto.Payment.Types.State)(int)payment.State,
            AmountMinor = payment.AmountMinor,
            Currency = payment.Currency,
            Description = payment.Description,
            Customer = new Proto.Customer
            {
                Type = payment.Customer.Type == "enterprise" ? Proto.Customer.Types.Type.Enterprise : Proto.Customer.Types.Type.Personal,
                Country = payment.Customer.Country,
                Device = payment.Customer.Device,
                Id = payment.Customer.Id ?? "",
                RegisteredLocation = payment.Customer.RegisteredLocation?.ToProto(),
                Contact = payment.Customer.MaskedContact ?? "",
                Account = payment.Customer.Account ?? "",
                Project = payment.Customer.Project ?? "",
            },
            Routing = payment.Routing.ToProto(),
            CreateTime = Timestamp.FromDateTimeOffset(payment.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(payment.UpdateTime),
            ExpireTime = Timestamp.FromDateTimeOffset(payment.ExpireTime),
            Metadata = { payment.Metadata },
        };
        proto.Attempts.AddRange(payment.Attempts.Select(ToProto));
        proto.Refunds.AddRange(payment.Refunds.Select(r => r.ToProto(payment)));
        proto.AmountRefundedMinor = payment.RefundedMinor;
        proto.Reversed = payment.Reversed;
        proto.ReturnUrl = payment.ReturnUrl ?? "";
        if (payment.Approval is { } approval)
        {
            proto.Approval = GroupMapping.ToProto(approval);
        }
        if (payment.PayerContext is { } payerContext)
        {
            proto.Payer = new Proto.PayerContext { Ip = payerContext.Ip ?? "", Location = payerContext.Location?.ToProto(), DeviceId = payerContext.DeviceId ?? "" };
        }
        proto.Risk = payment.Risk?.ToProto();
        if (payment.Challenge is { } challenge && payment.State == PaymentState.RequiresAction)
        {
            proto.NextAction = new Proto.NextAction
            {
                Type = Proto.NextAction.Types.Type.VerificationCode,
                Verification = new Proto.Verification
                {
                    SentTo = challenge.SentTo,
                    ExpireTime = Timestamp.FromDateTimeOffset(challenge.ExpireTime),
                    AttemptsLeft = challenge.AttemptsLeft,
                    CodeLength = challenge.CodeLength,
                },
            };
        }
        else if (payment.NextAction is { } action && payment.State == PaymentState.RequiresAction)
        {
            proto.NextAction = action.Transfer is { } transfer
                ? new Proto.NextAction
                {
                    Type = Proto.NextAction.Types.Type.BankTransfer,
                    BankTransfer = new Proto.BankTransferInstructions
                    {
                        BeneficiaryName = transfer.BeneficiaryName,
                        Account = transfer.Account,
                        BankName = transfer.BankName,
                        Bic = transfer.Bic,
                        Reference = transfer.Reference,
                        AmountMinor = transfer.AmountMinor,
                        Currency = transfer.Currency,
                        Deadline = Timestamp.FromDateTimeOffset(transfer.Deadline),
                    },
                }
                : action.QrCode is { } qr
                ? new Proto.NextAction { Type = Proto.NextAction.Types.Type.DisplayQrCode, QrCode = qr }
                : new Proto.NextAction
                {
                    Type = Proto.NextAction.Types.Type.Redirect,
                    RedirectUrl = action.RedirectUrl ?? "",
                    RedirectMethod = action.RedirectForm is null ? "GET" : "POST",
                    RedirectForm = { new Dictionary<string, string>(action.RedirectForm ?? new Dictionary<string, string>()) },
                };
        }
        if (payment.Payer is { } payer)
        {
            proto.BankAccount = new Proto.BankAccount { Name = payer.Name, Account = payer.Account, Bic = payer.Bic ?? "", AddressLines = { payer.Address } };
        }
        if (payment.Card is { } card)
        {
            proto.Card = new Proto.CardSummary { Brand = card.Brand, Last4 = card.Last4, ExpMonth = card.ExpMonth, ExpYear = card.ExpYear, Fingerprint = card.Fingerprint ?? "" };
        }
        if (payment.Error is { } error)
        {
            proto.Error = new Proto.PaymentError { Code = error.Code, Message = error.Message, Channel = error.Channel ?? "", NativeCode = error.NativeCode ?? "" };
        }
        return proto;
    }

    public static Proto.Refund ToProto(this Refund refund, Payment payment) => new()
    {
        Id = refund.Id,
        PaymentId = payment.Id,
        State = (Proto.Refund.Types.State)(int)refund.State,
        AmountMinor = refund.AmountMinor,
        Currency = payment.Currency,
        Reason = refund.Reason,
        Channel = refund.Channel,
        ChannelReference = refund.Reference,
        ChannelRefundId = refund.ChannelRefundId ?? "",
        NativeCode = refund.NativeCode ?? "",
        Error = refund.Error is { } e ? new Proto.PaymentError { Code = e.Code, Message = e.Message, Channel = e.Channel ?? "", NativeCode = e.NativeCode ?? "" } : null,
        CreateTime = Timestamp.FromDateTimeOffset(refund.CreateTime),
        UpdateTime = Timestamp.FromDateTimeOffset(refund.UpdateTime),
        SettlementAmountMinor = refund.SettlementAmountMinor ?? 0,
    };

    /// <summary>A stored event as the API shows it; its cursor is its sequence number.</summary>
    public static Proto.Event ToProto(this PaymentEvent evt)
    {
        var payment = PaymentJson.Deserialize(evt.Snapshot);
        return new Proto.Event
        {
            Id = EventId(evt.Sequence),
            Cursor = evt.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Type = evt.Type,
            CreateTime = Timestamp.FromDateTimeOffset(evt.Time),
            Payment = payment.ToProto(),
            Refund = evt.RefundId is { } id && payment.FindRefund(id) is { } refund ? refund.ToProto(payment) : null,
            Alert = evt.Type == PaymentEventTypes.RiskAlert && FiredAlert.FromDetail(payment.MerchantId, evt.PaymentId, evt.Detail) is { } alert ? alert.ToProto() : null,
            Dispute = DisputeMapping.FromEventDetail(evt.Type, evt.Detail),
        };
    }

    public static Proto.RiskAlert ToProto(this FiredAlert alert) => new()
    {
        Rule = alert.Rule,
        Indicator = alert.Indicator,
        Value = alert.Value,
        Threshold = alert.Threshold,
        Reason = alert.Reason,
        FireTime = Timestamp.FromDateTimeOffset(alert.FireTime),
    };

    public static string EventId(long sequence) => "evt_" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Proto.RoutingDecision ToProto(this RoutingDecision routing) => new()
    {
        Reason = routing.Reason,
        Candidates = { routing.Candidates },
        Considered = { (routing.Considered ?? []).Select(c => new Proto.RoutingCandidate { Channel = c.Channel, Eligible = c.Eligible, Reason = c.Reason }) },
    };

    private static Proto.Attempt ToProto(Attempt attempt) => new()
    {
        SettlementAmountMinor = attempt.Conversion?.SettlementAmountMinor ?? 0,
        SettlementCurrency = attempt.Conversion?.SettlementCurrency ?? "",
        FxRate = attempt.Conversion?.Rate.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        FxQuoteId = attempt.Conversion?.QuoteId ?? "",
        FxQuoteExpireTime = attempt.Conversion is { } c ? Timestamp.FromDateTimeOffset(c.QuoteExpireTime) : null,
        Id = attempt.Id,
        Number = attempt.Number,
        Channel = attempt.Channel,
        ChannelReference = attempt.Reference,
        ChannelTransactionId = attempt.TransactionId ?? "",
        State = (Proto.Attempt.Types.State)(int)attempt.State,
        NativeCode = attempt.NativeCode ?? "",
        NativeMessage = attempt.NativeMessage ?? "",
        ErrorCode = attempt.ErrorCode ?? "",
        CreateTime = Timestamp.FromDateTimeOffset(attempt.CreateTime),
        UpdateTime = Timestamp.FromDateTimeOffset(attempt.UpdateTime),
    };

    public static PaymentState? ToDomain(this Proto.Payment.Types.State state) =>
        state == Proto.Payment.Types.State.Unspecified ? null : (PaymentState)(int)state;
}
