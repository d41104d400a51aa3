using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Paygate.V1;
using AuditEntry = Paygate.Gateway.Merchants.AuditEntry;
using RiskRuleSet = Paygate.V1.RiskRuleSet;

namespace Paygate.Gateway.Api;

/// <summary>
/// The operators' risk control: the rule set's versions (read, replace, list) and the per-merchant indicators. A replaced rule set
/// is in force on this instance at once and on the others at their next refresh.
/// </summary>
public sealed class RiskGrpcService(IRiskRuleStore store, RiskEngine engine, IOptions<RiskOptions> options, TimeProvider clock, IServiceProvider services)
    : RiskService.RiskServiceBase
{
    private const int DefaultPage = 20;
    private const int MaxPage = 100;
    private const int MaxDocumentChars = 60_000;

    public override async Task<RiskRuleSet> GetRiskRules(GetRiskRulesRequest request, ServerCallContext context)
    {
        if (request.Version < 0)
        {
            throw PaymentException.InvalidField("version", "must be 0 (the version in force) or a version number");
        }
        var wanted = request.Version != 0 ? request.Version
            : engine.InForce?.Version ?? await store.LatestVersionAsync(context.CancellationToken);
        var version = await store.GetAsync(wanted, context.CancellationToken)
            ?? throw new PaymentException(ErrorCatalogue.RiskRulesVersionNotFound, request.Version == 0 ? "no risk rule set is stored yet" : $"no risk rule set has version {wanted}");
        return ToProto(version);
    }

    public override async Task<RiskRuleSet> UpdateRiskRules(UpdateRiskRulesRequest request, ServerCallContext context)
    {
        if (request.Document.Length is 0 or > MaxDocumentChars)
        {
            throw PaymentException.InvalidField("document", $"must be a JSON rule set of 1 to {MaxDocumentChars} characters (put long lists in files: see docs/risk.md)");
        }
        if (request.ExpectedVersion < 0)
        {
            throw PaymentException.InvalidField("expected_version", "must be 0 (none) or a version number");
        }
        Risk.RiskRuleSet rules;
        try
        {
            rules = RiskRuleParser.Parse(request.Document, options.Value.BaseDirectory);
        }
        catch (RiskRuleException e)
        {
            var field = e.Path.Length == 0 ? "document" : $"document.{e.Path}";
            throw PaymentException.InvalidField(field, e.Reason);
        }
        var actor = context.Caller().KeyId;
        // Without an expected version, an update made meanwhile is simply superseded: try again from the newest.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var latest = await store.LatestVersionAsync(context.CancellationToken);
            if (request.ExpectedVersion != 0 && request.ExpectedVersion != latest)
            {
                throw VersionChanged(request.ExpectedVersion, latest);
            }
            var now = clock.GetUtcNow();
            var audit = AuditEntry.New(now, actor, AuditActions.RiskRulesUpdated, $"risk_rules/{latest + 1}", null,
                string.Create(CultureInfo.InvariantCulture, $"version={latest + 1} previous={latest} list_entries={rules.ListEntries}"));
            var added = await store.AddAsync(latest, request.Document, actor, now, rules.ListEntries, audit, context.CancellationToken);
            if (added is not null)
            {
                engine.Apply(added, rules);
                return ToProto(added);
            }
            if (request.ExpectedVersion != 0)
            {
                throw VersionChanged(request.ExpectedVersion, await store.LatestVersionAsync(context.CancellationToken));
            }
        }
        throw new PaymentException(ErrorCatalogue.RiskRulesVersionChanged, "other updates kept coming first; read the rules again and retry");
    }

    private static PaymentException VersionChanged(long expected, long latest) =>
        new(ErrorCatalogue.RiskRulesVersionChanged, $"expected_version {expected} is no longer the newest: version {latest} is");

    public override async Task<ListRiskRuleVersionsResponse> ListRiskRuleVersions(ListRiskRuleVersionsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPage)
        {
            throw PaymentException.InvalidField("page_size", $"must be between 0 and {MaxPage}");
        }
        var size = request.PageSize == 0 ? DefaultPage : request.PageSize;
        var before = PositionPageTokens.Decode("rv1", request.PageToken);
        var rows = await store.ListAsync(before, size + 1, context.CancellationToken);
        var response = new ListRiskRuleVersionsResponse { Versions = { rows.Take(size).Select(ToProto) } };
        if (rows.Count > size)
        {
            response.NextPageToken = PositionPageTokens.Encode("rv1", rows[size - 1].Version);
        }
        return response;
    }

    public override Task<RiskIndicators> GetRiskIndicators(GetRiskIndicatorsRequest request, ServerCallContext context)
    {
        if (request.MerchantId.Length is 0 or > 64)
        {
            throw PaymentException.InvalidField("merchant_id", "is required (mch_...)");
        }
        // Kept by another part of the gateway; a host without it says so rather than answering zeros.
        var indicators = services.GetService<IRiskIndicators>()
            ?? throw new PaymentException(ErrorCatalogue.RiskIndicatorsNotKept, "indicators are not kept");
        var s = indicators.Snapshot(request.MerchantId, clock.GetUtcNow());
        return Task.FromResult(new RiskIndicators
        {
            MerchantId = s.MerchantId,
            PaymentsLastMinute = s.PaymentsLastMinute,
            PaymentsToday = s.PaymentsToday,
            PeakPaymentsPerMinuteToday = s.PeakPaymentsPerMinuteToday,
            DeclineRateLastHour = s.DeclineRateLastHour.ToString(CultureInfo.InvariantCulture),
            AbnormalIpShareLastHour = s.AbnormalIpShareLastHour.ToString(CultureInfo.InvariantCulture),
            AsOf = Timestamp.FromDateTimeOffset(s.AsOf),
        });
    }

    private static RiskRuleSet ToProto(RiskRuleVersion v) => new()
    {
        Version = v.Version,
        Document = v.Document,
        CreatedBy = v.CreatedBy,
        CreateTime = Timestamp.FromDateTimeOffset(v.CreateTime),
        ListEntries = v.ListEntries,
    };
}
