using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.V1;
using Domain = Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Api;

/// <summary>The operators' administration of merchants and keys, and the audit log. Thin: the rules are in <see cref="MerchantAdministration"/>.</summary>
public sealed class AdminGrpcService(MerchantAdministration administration) : AdminService.AdminServiceBase
{
    private const int DefaultMerchantPage = 20;
    private const int MaxMerchantPage = 100;
    private const int DefaultAuditPage = 100;
    private const int MaxAuditPage = 500;

    public override async Task<V1.Merchant> CreateMerchant(CreateMerchantRequest request, ServerCallContext context)
    {
        var limit = request.RateLimit is { } r ? new Domain.RateLimit(r.PerSecond, r.Burst) : null;
        return ToProto(await administration.CreateMerchantAsync(context.Caller().KeyId, request.Name, limit, context.CancellationToken));
    }

    public override async Task<V1.Merchant> GetMerchant(GetMerchantRequest request, ServerCallContext context) =>
        ToProto(await administration.GetMerchantAsync(request.Id, context.CancellationToken));

    public override async Task<ListMerchantsResponse> ListMerchants(ListMerchantsRequest request, ServerCallContext context)
    {
        var size = PageSize(request.PageSize, DefaultMerchantPage, MaxMerchantPage);
        if (request.PageToken.Length > 0 && !PaymentIds.LooksLikeMerchantId(request.PageToken))
        {
            throw PaymentException.InvalidField("page_token", "must be the next_page_token of an earlier page");
        }
        var rows = await administration.ListMerchantsAsync(request.PageToken.Length == 0 ? null : request.PageToken, size + 1, context.CancellationToken);
        var response = new ListMerchantsResponse { Merchants = { rows.Take(size).Select(ToProto) } };
        if (rows.Count > size)
        {
            response.NextPageToken = rows[size - 1].Id;
        }
        return response;
    }

    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var merchantId = MerchantOrOperator(request.MerchantId, request.Operator);
        var (key, secret) = await administration.CreateKeyAsync(context.Caller().KeyId, merchantId, request.Description, ExpireTime(request.ExpireTime),
            context.CancellationToken);
        return new CreateApiKeyResponse { Key = ToProto(key), Secret = secret };
    }

    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context) =>
        new() { Keys = { (await administration.ListKeysAsync(MerchantOrOperator(request.MerchantId, request.Operator), context.CancellationToken)).Select(ToProto) } };

    public override async Task<V1.ApiKey> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context) =>
        ToProto(await administration.RevokeKeyAsync(context.Caller().KeyId, request.Id, context.CancellationToken));

    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var size = PageSize(request.PageSize, DefaultAuditPage, MaxAuditPage);
        long? before = null;
        if (request.PageToken.Length > 0)
        {
            before = long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0
                ? b : throw PaymentException.InvalidField("page_token", "must be the next_page_token of an earlier page");
        }
        var rows = await administration.ListAuditAsync(before, size + 1, context.CancellationToken);
        var response = new ListAuditEntriesResponse { Entries = { rows.Take(size).Select(ToProto) } };
        if (rows.Count > size)
        {
            response.NextPageToken = rows[size - 1].Sequence.ToString(CultureInfo.InvariantCulture);
        }
        return response;
    }

    private static DateTimeOffset? ExpireTime(Timestamp? time) =>
        time is null ? null
        : ProtoTimes.TryRead(time, out var value) ? value
        : throw PaymentException.InvalidField("expire_time", "is not a valid timestamp");

    /// <summary>A merchant id, or null for the operators: exactly one of the two must be asked for.</summary>
    private static string? MerchantOrOperator(string merchantId, bool operatorKeys) =>
        (merchantId.Length > 0, operatorKeys) switch
        {
            (true, false) => merchantId,
            (false, true) => null,
            _ => throw PaymentException.InvalidField("merchant_id", "give a merchant id, or set operator for operator keys (not both)"),
        };

    private static int PageSize(int requested, int fallback, int max) =>
        requested is < 0 || requested > max ? throw PaymentException.InvalidField("page_size", $"must be between 0 and {max}")
        : requested == 0 ? fallback : requested;

    private static V1.Merchant ToProto(Domain.Merchant m) => new()
    {
        Id = m.Id,
        Name = m.Name,
        RateLimit = m.RateLimit is { } r ? new V1.RateLimit { PerSecond = r.PerSecond, Burst = r.Burst } : null,
        CreateTime = Timestamp.FromDateTimeOffset(m.CreateTime),
    };

    public static V1.ApiKey ToProto(Domain.ApiKey k) => new()
    {
        Id = k.Id,
        Role = k.Role == KeyRole.Operator ? V1.ApiKey.Types.Role.Operator : V1.ApiKey.Types.Role.Merchant,
        MerchantId = k.MerchantId ?? "",
        Prefix = k.Prefix,
        Description = k.Description,
        CreateTime = Timestamp.FromDateTimeOffset(k.CreateTime),
        ExpireTime = k.ExpireTime is { } e ? Timestamp.FromDateTimeOffset(e) : null,
        RevokeTime = k.RevokeTime is { } r ? Timestamp.FromDateTimeOffset(r) : null,
        LastUseTime = k.LastUseTime is { } u ? Timestamp.FromDateTimeOffset(u) : null,
    };

    private static V1.AuditEntry ToProto(Domain.AuditEntry a) => new()
    {
        Sequence = a.Sequence,
        Time = Timestamp.FromDateTimeOffset(a.Time),
        Actor = a.Actor,
        Action = a.Action,
        Target = a.Target,
        MerchantId = a.MerchantId ?? "",
        Detail = a.Detail,
    };
}
