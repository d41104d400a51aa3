using Google.Protobuf.WellKnownTypes;
using Paygate.Gateway.Payments;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Api;

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
            },
            Routing = payment.Routing.ToProto(),
            CreateTime = Timestamp.FromDateTimeOffset(payment.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(payment.UpdateTime),
            ExpireTime = Timestamp.FromDateTimeOffset(payment.ExpireTime),
            Metadata = { payment.Metadata },
        };
        proto.Attempts.AddRange(payment.Attempts.Select(ToProto));
        if (payment.NextAction is { } action && payment.State == PaymentState.RequiresAction)
        {
            proto.NextAction = action.QrCode is { } qr
                ? new Proto.NextAction { Type = Proto.NextAction.Types.Type.DisplayQrCode, QrCode = qr }
                : new Proto.NextAction
                {
                    Type = Proto.NextAction.Types.Type.Redirect,
                    RedirectUrl = action.RedirectUrl ?? "",
                    RedirectMethod = action.RedirectForm is null ? "GET" : "POST",
                    RedirectForm = { new Dictionary<string, string>(action.RedirectForm ?? new Dictionary<string, string>()) },
                };
        }
        if (payment.Card is { } card)
        {
            proto.Card = new Proto.CardSummary { Brand = card.Brand, Last4 = card.Last4, ExpMonth = card.ExpMonth, ExpYear = card.ExpYear };
        }
        if (payment.Error is { } error)
        {
            proto.Error = new Proto.PaymentError { Code = error.Code, Message = error.Message, Channel = error.Channel ?? "", NativeCode = error.NativeCode ?? "" };
        }
        return proto;
    }

    public static Proto.RoutingDecision ToProto(this RoutingDecision routing) => new()
    {
        Reason = routing.Reason,
        Candidates = { routing.Candidates },
        Considered = { (routing.Considered ?? []).Select(c => new Proto.RoutingCandidate { Channel = c.Channel, Eligible = c.Eligible, Reason = c.Reason }) },
    };

    private static Proto.Attempt ToProto(Attempt attempt) => new()
    {
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
