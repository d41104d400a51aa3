using Paygate.Gateway.Payments;
using Paygate.Gateway.Reconciliation;
using Grpc.Core;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Mapping;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Routing;
using Paygate.V1;

namespace Paygate.Gateway.Api;

/// <summary>The operators' API: channels and their health, routing previews, the error catalogue.</summary>
public sealed class ChannelGrpcService(ChannelRegistry channels, ChannelHealth health, PaymentRouter router, CreatePaymentValidator validator, IBankCreditStore credits,
    BankReconciliation reconciliation, IRiskEngine risk, TimeProvider clock)
    : ChannelService.ChannelServiceBase
{
    public override async Task<HeldCredit> ReturnHeldCredit(ReturnHeldCreditRequest request, ServerCallContext context)
    {
        if (channels.Find(request.Channel) is null)
        {
            throw PaymentException.InvalidField("channel", "unknown channel");
        }
        if (request.AccountServicerRef.Length is 0 or > 100)
        {
            throw PaymentException.InvalidField("account_servicer_ref", "1 to 100 characters");
        }
        return ToProto(await reconciliation.ReturnAsync(context.Caller().KeyId, request.Channel, request.AccountServicerRef, context.CancellationToken));
    }

    private static HeldCredit ToProto(BankCreditRecord c) => new()
    {
        Channel = c.Channel,
        AccountServicerRef = c.AccountServicerReference,
        AmountMinor = c.AmountMinor,
        Currency = c.Currency,
        Reference = c.Reference ?? "",
        PaymentId = c.PaymentId ?? "",
        Reason = c.Reason,
        BookingDate = c.BookingDate,
        DebtorName = c.DebtorName ?? "",
        Source = c.Source,
        State = c.State.ToString().ToUpperInvariant(),
    };

    public override async Task<ListHeldCreditsResponse> ListHeldCredits(ListHeldCreditsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 500)
        {
            throw PaymentException.InvalidField("page_size", "must be between 0 and 500");
        }
        var held = await credits.InStateAsync(BankCreditState.Held, request.PageSize == 0 ? 100 : request.PageSize, context.CancellationToken);
        return new ListHeldCreditsResponse
        {
            Credits = { held.Select(ToProto) },
        };
    }

    public override Task<ListChannelsResponse> ListChannels(ListChannelsRequest request, ServerCallContext context)
    {
        var response = new ListChannelsResponse();
        foreach (var channel in channels.All.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var snapshot = health.Snapshot(channel.Id);
            var proto = new V1.Channel
            {
                Id = channel.Id,
                SupportsQuery = channel.Capabilities.SupportsQuery,
                SupportsClose = channel.Capabilities.SupportsClose,
                SupportsRefund = channel.Capabilities.SupportsRefund,
                CircuitState = snapshot.Circuit.ToString().ToUpperInvariant() switch { "HALFOPEN" => "HALF_OPEN", var s => s },
                RecentSuccessRate = snapshot.SuccessRate,
                RecentLatencyMs = snapshot.LatencyMs,
            };
            proto.Flows.AddRange(channel.Capabilities.Flows.Select(f => f switch
            {
                Adapters.Contract.PaymentFlow.QrCode => "QR_CODE",
                Adapters.Contract.PaymentFlow.BankTransfer => "BANK_TRANSFER",
                _ => f.ToString().ToUpperInvariant(),
            }));
            proto.Currencies.AddRange(channel.Capabilities.Currencies.OrderBy(c => c.Key.Code, StringComparer.Ordinal)
                .Select(c => new CurrencyLimits { Currency = c.Key.Code, MinAmountMinor = c.Value.MinMinor, MaxAmountMinor = c.Value.MaxMinor }));
            response.Channels.Add(proto);
        }
        return Task.FromResult(response);
    }

    public override Task<V1.RoutingDecision> RecommendChannels(RecommendChannelsRequest request, ServerCallContext context)
    {
        var command = validator.Validate(new CreatePaymentRequest
        {
            AmountMinor = request.AmountMinor,
            Currency = request.Currency,
            Description = "routing preview",
            Customer = request.Customer,
            PaymentMethod = request.PaymentMethod,
            Payer = request.Payer,
        });
        if (request.MerchantId.Length > 64)
        {
            throw PaymentException.InvalidField("merchant_id", "must be at most 64 characters");
        }
        var routing = router.Route(command);
        var decision = routing.ToProto();
        // What risk control would decide, recording nothing: a preview counts towards no velocity window.
        decision.Risk = risk.Assess(new RiskRequest(request.MerchantId, command.Amount, command.Customer, command.PayerContext, command.CardFingerprint,
            Method: command.PreferredChannel ?? routing.Candidates.FirstOrDefault() ?? "", command.Payer, clock.GetUtcNow())).ToProto();
        return Task.FromResult(decision);
    }

    public override Task<ListErrorCodesResponse> ListErrorCodes(ListErrorCodesRequest request, ServerCallContext context)
    {
        var response = new ListErrorCodesResponse();
        response.Codes.AddRange(ErrorCatalogue.All.Select(ToProto));
        return Task.FromResult(response);
    }

    public static V1.ErrorCode ToProto(Adapters.Errors.ErrorCode code) => new()
    {
        Code = code.Code,
        Meaning = code.Meaning,
        GrpcStatus = GrpcStatusName(code.Status),
        Decision = code.Decision switch
        {
            ErrorDecision.RetrySame => "RETRY_SAME",
            ErrorDecision.FailOver => "FAIL_OVER",
            ErrorDecision.QueryFirst => "QUERY_FIRST",
            _ => "DO_NOT_RETRY",
        },
        PayerMessage = code.PayerMessage,
    };

    /// <summary>The canonical upper-snake name of a gRPC status (FAILED_PRECONDITION...).</summary>
    public static string GrpcStatusName(StatusCode status) =>
        string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
