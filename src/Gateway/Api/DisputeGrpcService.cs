using Grpc.Core;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Mapping;
using Paygate.Gateway.Payments;
using Paygate.V1;
using Dispute = Paygate.V1.Dispute;

namespace Paygate.Gateway.Api;

/// <summary>
/// Disputes for merchants (their own) and operators (every merchant's): list, get, and the handling of levels 2 and 3. The rules are
/// the desk's (<see cref="DisputeDesk"/>); this maps the calls and the caller's scope.
/// </summary>
public sealed class DisputeGrpcService(DisputeDesk desk, IDisputeStore store) : DisputeService.DisputeServiceBase
{
    private const int DefaultPage = 20;
    private const int MaxPage = 100;

    public override async Task<ListDisputesResponse> ListDisputes(ListDisputesRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPage)
        {
            throw PaymentException.InvalidField("page_size", $"must be 0 (the default, {DefaultPage}) to {MaxPage}");
        }
        if (request.State != Dispute.Types.State.Unspecified && !Enum.IsDefined((DisputeState)(int)request.State))
        {
            throw PaymentException.InvalidField("state", "is not a dispute state");
        }
        if (request.Level != Dispute.Types.Level.Unspecified && !Enum.IsDefined((DisputeLevel)(int)request.Level))
        {
            throw PaymentException.InvalidField("level", "is not a dispute level");
        }
        if (request.PaymentId.Length > 0 && !PaymentIds.LooksLikePaymentId(request.PaymentId))
        {
            throw PaymentException.InvalidField("payment_id", "is not a payment id");
        }
        var actor = Actor(context);
        var filter = new DisputeFilter(actor.MerchantId,
            request.State == Dispute.Types.State.Unspecified ? null : (DisputeState)(int)request.State,
            request.PaymentId.Length > 0 ? request.PaymentId : null,
            request.Level == Dispute.Types.Level.Unspecified ? null : (DisputeLevel)(int)request.Level);
        var size = request.PageSize == 0 ? DefaultPage : request.PageSize;
        var after = DisputePageTokens.Decode(request.PageToken, filter);
        var page = await store.ListAsync(filter, after, size + 1, context.CancellationToken);
        var response = new ListDisputesResponse();
        foreach (var dispute in page.Take(size))
        {
            response.Disputes.Add(dispute.ToProto(await desk.PayoutsAsync(dispute, context.CancellationToken)));
        }
        if (page.Count > size)
        {
            var last = page[size - 1];
            response.NextPageToken = DisputePageTokens.Encode(new DisputeCursor(last.CreateTime, last.Id), filter);
        }
        return response;
    }

    public override async Task<Dispute> GetDispute(GetDisputeRequest request, ServerCallContext context) =>
        await ToProtoAsync(await desk.GetAsync(Actor(context), request.Id, context.CancellationToken), context);

    public override async Task<Dispute> AddDisputeEvidence(AddDisputeEvidenceRequest request, ServerCallContext context) =>
        await ToProtoAsync(await desk.AddEvidenceAsync(Actor(context), request.Id, request.Kind, request.Description, request.Content.ToByteArray(),
            context.CancellationToken), context);

    public override async Task<Dispute> AcceptDispute(AcceptDisputeRequest request, ServerCallContext context) =>
        await ToProtoAsync(await desk.AcceptAsync(Actor(context), request.Id, request.AmountMinor, request.Reason, context.CancellationToken), context);

    public override async Task<Dispute> ContestDispute(ContestDisputeRequest request, ServerCallContext context) =>
        await ToProtoAsync(await desk.ContestAsync(Actor(context), request.Id, request.Reason, context.CancellationToken), context);

    public override async Task<Dispute> EscalateDispute(EscalateDisputeRequest request, ServerCallContext context) =>
        await ToProtoAsync(await desk.EscalateAsync(Actor(context), request.Id, request.Reason, context.CancellationToken), context);

    public override async Task<Dispute> RecordArbitrationDecision(RecordArbitrationDecisionRequest request, ServerCallContext context) =>
        await ToProtoAsync(await desk.ArbitrateAsync(Actor(context), request.Id, (ArbitrationOutcome)(int)request.Outcome, request.Parties, request.AmountMinor,
            request.Payee, request.Note, context.CancellationToken), context);

    private async Task<Dispute> ToProtoAsync(Disputes.Dispute dispute, ServerCallContext context) =>
        dispute.ToProto(await desk.PayoutsAsync(dispute, context.CancellationToken));

    private static DisputeActor Actor(ServerCallContext context)
    {
        var caller = context.Caller();
        return new DisputeActor(caller.KeyId, caller.MerchantId);
    }
}
