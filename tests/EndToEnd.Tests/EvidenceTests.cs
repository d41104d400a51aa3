using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway that publishes its chain head often, and logs the publications where the test can read them.</summary>
public sealed class EvidenceFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Evidence:PublishInterval"] = "00:00:00.200",
        ["Logging:LogLevel:Paygate.Gateway.Evidence"] = "Information",
    };
}

/// <summary>The evidence chain through the real gateway: the operators' EvidenceService over gRPC, and the head publisher running.</summary>
public sealed class EvidenceTests(EvidenceFixture fixture) : IClassFixture<EvidenceFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private EvidenceService.EvidenceServiceClient Operator => new(Gateway.Operator);

    [Fact]
    public async Task APaidPayment_IsOnAnIntactChain_TiedToAPublishedAndLoggedHead_AndItsBundleChecks()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest());
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);

        // Wait until the publisher has published a head that covers the payment's last change.
        EvidenceBundle bundle = null!;
        await GatewayUnderTest.WaitUntilAsync(async () =>
        {
            bundle = await Operator.ExportEvidenceBundleAsync(new ExportEvidenceBundleRequest { PaymentId = payment.Id });
            using var document = JsonDocument.Parse(bundle.Document);
            return document.RootElement.GetProperty("head").GetProperty("published").GetBoolean();
        }, TimeSpan.FromSeconds(15), "a published head covering the payment");

        Assert.Equal(payment.Id, bundle.PaymentId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bundle.Document))), bundle.DocumentSha256);
        using var json = JsonDocument.Parse(bundle.Document);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal("SUCCEEDED", entries[^1].GetProperty("state").GetString());
        Assert.All(entries, e => Assert.Equal((12_000L, "USD"), (e.GetProperty("amount_minor").GetInt64(), e.GetProperty("currency").GetString())));
        var head = json.RootElement.GetProperty("head");
        var headSequence = head.GetProperty("sequence").GetInt64();
        var headHash = head.GetProperty("hash").GetString();
        // Each link recomputed from the bundle's bytes alone: SHA-256(previous hash || entry bytes), chained up to the head.
        string? previous = null;
        foreach (var link in json.RootElement.GetProperty("links").EnumerateArray())
        {
            if (previous is not null)
            {
                Assert.Equal(previous, link.GetProperty("previous_hash").GetString());
            }
            var bytes = Convert.FromHexString(link.GetProperty("previous_hash").GetString()! + link.GetProperty("entry_hex").GetString());
            Assert.Equal(link.GetProperty("hash").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            previous = link.GetProperty("hash").GetString();
        }
        Assert.Equal(headHash, previous);

        var heads = await Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageSize = 100 });
        Assert.Contains(heads.Heads, h => h.Sequence == headSequence && h.Hash == headHash);
        Assert.Equal(heads.Heads.Select(h => h.Sequence).OrderDescending(), heads.Heads.Select(h => h.Sequence));
        Assert.Contains(Gateway.Logs.Lines, l => l.Level == LogLevel.Information
            && l.Message == $"Evidence chain head published: sequence {headSequence}, hash {headHash}");

        var verification = await Operator.VerifyEvidenceChainAsync(new VerifyEvidenceChainRequest());
        Assert.True(verification.Intact, verification.Detail);
        Assert.Equal("", verification.Problem);
        Assert.True(verification.LinksChecked >= headSequence);
        Assert.True(verification.Head.Sequence >= headSequence);
    }

    [Fact]
    public async Task ListChainHeads_PagesNewestFirst()
    {
        for (var i = 0; i < 2; i++)
        {
            var before = (await Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageSize = 1 })).Heads.FirstOrDefault()?.Sequence ?? 0;
            await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest());
            await GatewayUnderTest.WaitUntilAsync(async () => ((await Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageSize = 1 })).Heads.FirstOrDefault()?.Sequence ?? 0) > before,
                TimeSpan.FromSeconds(15), "a newer published head");
        }
        var first = await Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageSize = 1 });
        var second = await Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageSize = 1, PageToken = first.NextPageToken });

        Assert.NotEqual("", first.NextPageToken);
        Assert.True(Assert.Single(first.Heads).Sequence > Assert.Single(second.Heads).Sequence);
    }

    [Fact]
    public async Task MerchantKey_IsPermissionDenied_OnEveryEvidenceCall()
    {
        var asMerchant = new EvidenceService.EvidenceServiceClient(Gateway.Merchant);

        var verify = await RpcErrors.CatchAsync(() => asMerchant.VerifyEvidenceChainAsync(new VerifyEvidenceChainRequest()).ResponseAsync);
        var export = await RpcErrors.CatchAsync(() => asMerchant.ExportEvidenceBundleAsync(new ExportEvidenceBundleRequest { PaymentId = "pay_x" }).ResponseAsync);
        var heads = await RpcErrors.CatchAsync(() => asMerchant.ListChainHeadsAsync(new ListChainHeadsRequest()).ResponseAsync);

        Assert.All(new[] { verify, export, heads }, e => Assert.Equal((StatusCode.PermissionDenied, "PM-6017"), (e.Code, e.Info.Reason)));
    }

    [Fact]
    public async Task BadArguments_AreInvalidArgument_NamingTheField()
    {
        var id = await RpcErrors.CatchAsync(() => Operator.ExportEvidenceBundleAsync(new ExportEvidenceBundleRequest { PaymentId = "not-a-payment" }).ResponseAsync);
        var size = await RpcErrors.CatchAsync(() => Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageSize = 101 }).ResponseAsync);
        var token = await RpcErrors.CatchAsync(() => Operator.ListChainHeadsAsync(new ListChainHeadsRequest { PageToken = "forged" }).ResponseAsync);
        var unknown = await RpcErrors.CatchAsync(() =>
            Operator.ExportEvidenceBundleAsync(new ExportEvidenceBundleRequest { PaymentId = Paygate.Gateway.Payments.PaymentIds.NewPaymentId(TimeProvider.System) }).ResponseAsync);

        Assert.Equal(["payment_id", "page_size", "page_token"], new[] { id, size, token }.Select(e =>
        {
            Assert.Equal(StatusCode.InvalidArgument, e.Code);
            return Assert.Single(e.BadRequest!.FieldViolations).Field;
        }));
        Assert.Equal((StatusCode.NotFound, "PM-6003"), (unknown.Code, unknown.Info.Reason));
    }
}
