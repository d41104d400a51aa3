using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Payments;
using Paygate.V1;

namespace Paygate.Gateway.Api;

/// <summary>The operators' evidence API: verify the chain, export a payment's bundle, list the published heads.</summary>
public sealed class EvidenceGrpcService(EvidenceVerifier verifier, EvidenceBundles bundles, IEvidenceStore store) : EvidenceService.EvidenceServiceBase
{

    public override async Task<EvidenceVerification> VerifyEvidenceChain(VerifyEvidenceChainRequest request, ServerCallContext context)
    {
        var result = await verifier.VerifyAsync(context.CancellationToken);
        return new EvidenceVerification
        {
            Intact = result.Intact,
            LinksChecked = result.LinksChecked,
            FirstBrokenSequence = result.FirstBrokenSequence,
            Problem = result.Problem,
            Detail = result.Detail,
            Head = result.Last is { } last ? new V1.ChainHead { Sequence = last.Sequence, Hash = Convert.ToHexStringLower(last.Hash) } : null,
        };
    }

    public override async Task<V1.EvidenceBundle> ExportEvidenceBundle(ExportEvidenceBundleRequest request, ServerCallContext context)
    {
        if (!PaymentIds.LooksLikePaymentId(request.PaymentId))
        {
            throw PaymentException.InvalidField("payment_id", "must be a payment id (pay_...)");
        }
        var bundle = await bundles.ExportAsync(request.PaymentId, context.CancellationToken);
        return new V1.EvidenceBundle { PaymentId = bundle.PaymentId, Document = bundle.Document, DocumentSha256 = bundle.DocumentSha256 };
    }

    public override async Task<ListChainHeadsResponse> ListChainHeads(ListChainHeadsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 100)
        {
            throw PaymentException.InvalidField("page_size", "must be between 0 and 100");
        }
        var size = request.PageSize == 0 ? 20 : request.PageSize;
        var heads = await store.HeadsAsync(PositionPageTokens.Decode("heads-v1", request.PageToken), size + 1, context.CancellationToken);
        var page = heads.Take(size).ToList();
        return new ListChainHeadsResponse
        {
            Heads =
            {
                page.Select(h => new V1.ChainHead { Sequence = h.Sequence, Hash = h.HashHex, PublishTime = Timestamp.FromDateTimeOffset(h.PublishTime) }),
            },
            NextPageToken = heads.Count > size ? PositionPageTokens.Encode("heads-v1", page[^1].Sequence) : "",
        };
    }
}
