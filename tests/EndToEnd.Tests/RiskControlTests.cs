using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Risk control as operators see it: the versioned rule set (RiskService) and what risk would decide (RecommendChannels).</summary>
public sealed class RiskControlTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;
    private RiskService.RiskServiceClient Risk => new(Gateway.Operator);
    private ChannelService.ChannelServiceClient Channels => new(Gateway.Operator);

    private const string BlockOneCustomer = """{ "lists": { "customers": { "entries": ["cus_e2e_blocked"], "action": "BLOCK" } } }""";

    private static RecommendChannelsRequest Preview(string customerId = "cus_e2e", string? ip = null) => new()
    {
        AmountMinor = 8888,
        Currency = "CNY",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN", Device = "pc", Id = customerId },
        Payer = ip is null ? null : new PayerContext { Ip = ip },
    };

    [Fact]
    public async Task FirstStart_StoresTheConfiguredRulesAsVersion1()
    {
        var first = await Risk.GetRiskRulesAsync(new GetRiskRulesRequest { Version = 1 });

        Assert.Equal("config", first.CreatedBy);
        Assert.Contains("\"velocity\"", first.Document, StringComparison.Ordinal);
        Assert.True(first.ListEntries > 0);
    }

    [Fact]
    public async Task RecommendChannels_ShowsWhatRiskWouldDecide_WithTheRulesThatFired()
    {
        var version = await Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "risk-rules.json")) });

        var clean = await Channels.RecommendChannelsAsync(Preview(ip: "192.0.2.10"));
        var fromKp = await Channels.RecommendChannelsAsync(Preview(ip: "203.0.113.130"));

        Assert.Equal(RiskAssessment.Types.Outcome.Allow, clean.Risk.Outcome);
        Assert.Equal(version.Version, clean.Risk.RuleSetVersion);
        Assert.NotEmpty(clean.Candidates);
        Assert.Equal(RiskAssessment.Types.Outcome.Block, fromKp.Risk.Outcome);
        var listed = Assert.Single(fromKp.Risk.Hits, h => h.Rule == "lists.country");
        Assert.Equal("KP", listed.Inputs["country"]);
        Assert.Equal("payer.ip", listed.Inputs["source"]);
        Assert.Contains(fromKp.Risk.Hits, h => h.Rule == "geo.ip_country" && h.Action == RiskAssessment.Types.Outcome.Challenge);
    }

    [Fact]
    public async Task RecommendChannels_PayerIpThatIsNoIp_IsInvalidArgument()
    {
        var (code, _, badRequest) = await RpcErrors.CatchAsync(() => Channels.RecommendChannelsAsync(Preview(ip: "10.1")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("payer.ip", Assert.Single(badRequest!.FieldViolations).Field);
    }

    [Fact]
    public async Task UpdateRiskRules_BadDocument_IsRefusedNamingTheRule_AndTheOldRulesStillDecide()
    {
        var good = await Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = BlockOneCustomer });
        Assert.Equal(RiskAssessment.Types.Outcome.Block, (await Channels.RecommendChannelsAsync(Preview("cus_e2e_blocked"))).Risk.Outcome);

        var (code, info, badRequest) = await RpcErrors.CatchAsync(() => Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest
        {
            Document = """{ "lists": { "ips": { "entries": ["198.51.100.0/24", "10.0.0.1/8"] } } }""",
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("PM-6001", info.Reason);
        var violation = Assert.Single(badRequest!.FieldViolations);
        Assert.Equal("document.lists.ips.entries[1]", violation.Field);
        Assert.Contains("bits set past", violation.Description, StringComparison.Ordinal);
        var stillDeciding = (await Channels.RecommendChannelsAsync(Preview("cus_e2e_blocked"))).Risk;
        Assert.Equal((RiskAssessment.Types.Outcome.Block, good.Version), (stillDeciding.Outcome, stillDeciding.RuleSetVersion));
        Assert.Equal(good.Version, (await Risk.GetRiskRulesAsync(new GetRiskRulesRequest())).Version);
    }

    [Fact]
    public async Task UpdateRiskRules_FromAnOldVersion_IsAborted()
    {
        var current = await Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = "{}" });
        var next = await Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = BlockOneCustomer, ExpectedVersion = current.Version });

        var (code, info, _) = await RpcErrors.CatchAsync(() => Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest
        {
            Document = "{}",
            ExpectedVersion = current.Version,
        }).ResponseAsync);

        Assert.Equal(current.Version + 1, next.Version);
        Assert.Equal(StatusCode.Aborted, code);
        Assert.Equal("PM-6031", info.Reason);
        Assert.Equal(next.Version, (await Risk.GetRiskRulesAsync(new GetRiskRulesRequest())).Version);
    }

    [Fact]
    public async Task UpdateRiskRules_IsAudited_AndListedNewestFirstByPage()
    {
        var made = await Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = BlockOneCustomer });
        await Risk.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = "{}" });

        var page = await Risk.ListRiskRuleVersionsAsync(new ListRiskRuleVersionsRequest { PageSize = 1 });
        var next = await Risk.ListRiskRuleVersionsAsync(new ListRiskRuleVersionsRequest { PageSize = 1, PageToken = page.NextPageToken });

        Assert.Equal(made.Version + 1, Assert.Single(page.Versions).Version);
        Assert.Equal(made.Version, Assert.Single(next.Versions).Version);
        Assert.Equal("", next.Versions[0].Document);
        Assert.Equal(1, next.Versions[0].ListEntries);
        var audit = (await new AdminService.AdminServiceClient(Gateway.Operator).ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 500 })).Entries;
        Assert.Contains(audit, a => a.Action == "risk_rules.updated" && a.Target == $"risk_rules/{made.Version}" && a.Actor.StartsWith("key_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RiskService_WithAMerchantKey_IsPermissionDenied()
    {
        var asMerchant = new RiskService.RiskServiceClient(Gateway.Merchant);

        var update = await RpcErrors.CatchAsync(() => asMerchant.UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = "{}" }).ResponseAsync);
        var read = await RpcErrors.CatchAsync(() => asMerchant.GetRiskRulesAsync(new GetRiskRulesRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, update.Code);
        Assert.Equal(StatusCode.PermissionDenied, read.Code);
    }

    [Fact]
    public async Task GetRiskIndicators_AnswersFromTheIndicatorsKept_OrSaysNoneAreKept()
    {
        var kept = Gateway.Services.GetService<Paygate.Gateway.Risk.IRiskIndicators>() is not null;
        var request = new GetRiskIndicatorsRequest { MerchantId = Gateway.MerchantId };

        if (kept)
        {
            Assert.Equal(Gateway.MerchantId, (await Risk.GetRiskIndicatorsAsync(request)).MerchantId);
            return;
        }
        var (code, info, _) = await RpcErrors.CatchAsync(() => Risk.GetRiskIndicatorsAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, code);
        Assert.Equal("PM-6033", info.Reason);
    }
}
