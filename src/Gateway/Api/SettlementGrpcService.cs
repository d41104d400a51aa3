using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Settlement;
using Paygate.V1;
using SettlementMismatch = Paygate.Gateway.Settlement.SettlementMismatch;
using SettlementRun = Paygate.Gateway.Settlement.SettlementRun;

namespace Paygate.Gateway.Api;

/// <summary>The operators' settlement reconciliation API: run a channel's day, list runs, mismatches and a payment's settled marks.</summary>
public sealed class SettlementGrpcService(SettlementReconciliation reconciliation, ISettlementStore store, TimeProvider clock) : SettlementService.SettlementServiceBase
{
    private const string RunsList = "settlement-runs";
    private const string MismatchesList = "settlement-mismatches";

    public override async Task<V1.SettlementRun> RunSettlement(RunSettlementRequest request, ServerCallContext context)
    {
        if (request.Channel.Length == 0)
        {
            throw PaymentException.InvalidField("channel", "required");
        }
        if (!reconciliation.IsConfigured(request.Channel))
        {
            throw PaymentException.InvalidField("channel", "not a configured channel");
        }
        if (reconciliation.Find(request.Channel) is not { } channel)
        {
            throw new PaymentException(ErrorCatalogue.SettlementNotOffered, $"channel {request.Channel} publishes no settlement files",
                [new FieldViolation("channel", "publishes no settlement files")]);
        }
        var date = Date(request.SettleDate, "settle_date") ?? throw PaymentException.InvalidField("settle_date", "required, YYYY-MM-DD");
        if (date > DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(channel.SettlementDayOffset).DateTime))
        {
            throw PaymentException.InvalidField("settle_date", "is still to come on the channel's calendar");
        }
        return ToProto(await reconciliation.RunAsync(request.Channel, date, context.Caller().KeyId, context.CancellationToken));
    }

    public override async Task<ListSettlementRunsResponse> ListSettlementRuns(ListSettlementRunsRequest request, ServerCallContext context)
    {
        var size = PageSize(request.PageSize, 50);
        var runs = await store.ListRunsAsync(request.Channel.Length == 0 ? null : request.Channel, PositionPageTokens.Decode(RunsList, request.PageToken), size + 1,
            context.CancellationToken);
        var response = new ListSettlementRunsResponse { Runs = { runs.Take(size).Select(ToProto) } };
        if (runs.Count > size)
        {
            response.NextPageToken = PositionPageTokens.Encode(RunsList, runs[size - 1].Sequence);
        }
        return response;
    }

    public override async Task<ListSettlementMismatchesResponse> ListSettlementMismatches(ListSettlementMismatchesRequest request, ServerCallContext context)
    {
        var size = PageSize(request.PageSize, 100);
        var mismatches = await store.ListMismatchesAsync(request.Channel.Length == 0 ? null : request.Channel, Date(request.SettleDate, "settle_date"),
            PositionPageTokens.Decode(MismatchesList, request.PageToken), size + 1, context.CancellationToken);
        var response = new ListSettlementMismatchesResponse { Mismatches = { mismatches.Take(size).Select(ToProto) } };
        if (mismatches.Count > size)
        {
            response.NextPageToken = PositionPageTokens.Encode(MismatchesList, mismatches[size - 1].Sequence);
        }
        return response;
    }

    public override async Task<ListSettledItemsResponse> ListSettledItems(ListSettledItemsRequest request, ServerCallContext context)
    {
        if (!PaymentIds.LooksLikePaymentId(request.PaymentId))
        {
            throw PaymentException.InvalidField("payment_id", "is not a payment id (pay_...)");
        }
        var marks = await store.MarksOfPaymentAsync(request.PaymentId, context.CancellationToken);
        return new ListSettledItemsResponse
        {
            Items =
            {
                marks.Select(m => new SettledItem
                {
                    TransactionType = Type(m.Kind),
                    Channel = m.Channel,
                    Reference = m.Reference,
                    PaymentId = m.PaymentId,
                    TargetId = m.TargetId,
                    SettleDate = SettlementDay(m.Date),
                    AmountMinor = m.AmountMinor,
                    Currency = m.Currency,
                    FeeMinor = m.FeeMinor,
                    FileName = m.FileName,
                    RunId = m.RunId,
                }),
            },
        };
    }

    private static int PageSize(int requested, int fallback) => requested switch
    {
        0 => fallback,
        < 0 or > 500 => throw PaymentException.InvalidField("page_size", "must be between 0 and 500"),
        _ => requested,
    };

    private static DateOnly? Date(string text, string field) =>
        text.Length == 0 ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? PaymentYears.Contains(date) ? date : throw PaymentException.InvalidField(field, PaymentYears.Reason)
        : throw PaymentException.InvalidField(field, "must be YYYY-MM-DD");

    private static string SettlementDay(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Type(SettlementLineKind kind) => kind switch
    {
        SettlementLineKind.Payment => "PAYMENT",
        SettlementLineKind.Refund => "REFUND",
        _ => "CHARGEBACK",
    };

    private static V1.SettlementRun ToProto(SettlementRun run) => new()
    {
        Id = run.Id,
        Channel = run.Channel,
        SettleDate = SettlementDay(run.Date),
        State = run.State == SettlementRunState.Succeeded ? V1.SettlementRun.Types.State.Succeeded : V1.SettlementRun.Types.State.Failed,
        FileName = run.FileName ?? "",
        Lines = run.Lines,
        Settled = run.Settled,
        Mismatches = run.Mismatches,
        Resolved = run.Resolved,
        ErrorCode = run.ErrorCode ?? "",
        ErrorMessage = run.ErrorMessage ?? "",
        ErrorLine = run.ErrorLine,
        Actor = run.Actor,
        StartTime = Timestamp.FromDateTimeOffset(run.StartTime),
        FinishTime = Timestamp.FromDateTimeOffset(run.FinishTime),
    };

    private static V1.SettlementMismatch ToProto(SettlementMismatch m) => new()
    {
        RunId = m.RunId,
        Channel = m.Channel,
        SettleDate = SettlementDay(m.Date),
        Kind = m.Kind switch
        {
            SettlementMismatchKind.MissingAtGateway => V1.SettlementMismatch.Types.Kind.MissingAtGateway,
            SettlementMismatchKind.MissingAtChannel => V1.SettlementMismatch.Types.Kind.MissingAtChannel,
            SettlementMismatchKind.AmountDiffers => V1.SettlementMismatch.Types.Kind.AmountDiffers,
            SettlementMismatchKind.DuplicateAtChannel => V1.SettlementMismatch.Types.Kind.DuplicateAtChannel,
            _ => V1.SettlementMismatch.Types.Kind.StateDiffers,
        },
        TransactionType = Type(m.LineKind),
        Reference = m.Reference,
        RefundReference = m.RefundReference ?? "",
        PaymentId = m.PaymentId ?? "",
        RefundId = m.RefundId ?? "",
        ChannelAmountMinor = m.ChannelAmountMinor,
        GatewayAmountMinor = m.GatewayAmountMinor,
        Currency = m.Currency,
        ChannelState = m.ChannelState ?? "",
        GatewayState = m.GatewayState ?? "",
        Line = m.Line,
        Resolved = m.Resolved,
        Note = m.Note,
    };
}
