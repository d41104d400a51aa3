using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.UnionPay;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.UnionPay;

/// <summary>
/// Whose signature the UnionPay adapter believes, as UnionPay's ACP SDK decides it: a signer certificate issued by
/// UnionPay's intermediate under the root, naming UnionPay in the organisation part of its CN; and values in braces
/// read as one field. Answers come as raw <c>k=v&amp;...</c> text, notifications as a URL-encoded form post.
/// </summary>
public sealed class UnionPaySignerTests : IDisposable
{
    private const string MerId = "777290058110048";
    private const string OrderId = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
    private readonly UnionPayTestPki _pki;
    private readonly X509Certificate2 _merchantCert;
    private readonly ServiceProvider _services;

    public UnionPaySignerTests()
    {
        _pki = new UnionPayTestPki(_clock.GetUtcNow());
        _merchantCert = _pki.Issue("CN=Merchant", TestKeys.Merchant, _pki.Middle, [0x4A, 0x3F, 0x11]);
        _services = _pki.ChannelServices(_server.Url, MerId, _merchantCert, _clock);
    }

    private UnionPayChannel Channel => _services.GetRequiredService<UnionPayChannel>();

    private ChannelOrder Order => new(OrderId, _clock.GetUtcNow().AddMinutes(-5), _clock.GetUtcNow().AddMinutes(25));

    private static Dictionary<string, string> QueryAnswer() => new(StringComparer.Ordinal)
    {
        ["version"] = "5.1.0",
        ["encoding"] = "UTF-8",
        ["signMethod"] = "01",
        ["txnType"] = "00",
        ["txnSubType"] = "00",
        ["bizType"] = "000000",
        ["accessType"] = "0",
        ["merId"] = MerId,
        ["orderId"] = OrderId,
        ["txnTime"] = "20261126135500",
        ["respCode"] = "00",
        ["respMsg"] = "成功[0000000]",
        ["queryId"] = "782611261355000012345",
        ["txnAmt"] = "8888",
        ["origRespCode"] = "00",
        ["origRespMsg"] = "成功[0000000]",
    };

    private static Dictionary<string, string> Notice() => new(StringComparer.Ordinal)
    {
        ["version"] = "5.1.0",
        ["encoding"] = "UTF-8",
        ["signMethod"] = "01",
        ["txnType"] = "01",
        ["txnSubType"] = "01",
        ["bizType"] = "000201",
        ["accessType"] = "0",
        ["merId"] = MerId,
        ["orderId"] = OrderId,
        ["txnTime"] = "20261126135500",
        ["txnAmt"] = "8888",
        ["currencyCode"] = "156",
        ["queryId"] = "782611261355000012345",
        ["respCode"] = "00",
        ["respMsg"] = "成功[0000000]",
        ["settleAmt"] = "8888",
        ["settleDate"] = "1126",
        ["traceNo"] = "012345",
    };

    /// <summary>Serves a query answer as UnionPay writes it: raw <c>k=v</c> pairs, not URL-encoded.</summary>
    private void ServeQueryAnswer(Dictionary<string, string> answer) =>
        _server.Given(Request.Create().WithPath("/gateway/api/queryTrans.do")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/plain;charset=UTF-8").WithBody(string.Join('&', answer.Select(a => $"{a.Key}={a.Value}"))));

    private static string FormBody(IEnumerable<KeyValuePair<string, string>> fields, params string[] leftRaw) =>
        string.Join('&', fields.Select(f => $"{WebUtility.UrlEncode(f.Key)}={(leftRaw.Contains(f.Key) ? f.Value : WebUtility.UrlEncode(f.Value))}"));

    private ChannelNotification Notify(string body) => Channel.ParseNotification(new Dictionary<string, string>(), body);

    [Fact]
    public async Task Answer_SignerIssuedByTheIntermediate_IsAccepted()
    {
        ServeQueryAnswer(UnionPayTestPki.Signed(QueryAnswer(), _pki.Signer, UnionPayTestPki.SignerKey));

        var result = await Channel.QueryAsync(Order, CancellationToken.None);

        Assert.Equal((ChannelOutcome.Succeeded, 8888L), (result.Outcome, result.ReportedAmountMinor));
    }

    [Fact]
    public async Task Answer_SignerIssuedDirectlyByTheRoot_IsRefused()
    {
        using var key = RSA.Create(2048);
        using var byRoot = _pki.Issue($"CN={UnionPayTestPki.SignerCommonName}", key, _pki.Root, [0x31]);
        ServeQueryAnswer(UnionPayTestPki.Signed(QueryAnswer(), byRoot, key));

        var result = await Channel.QueryAsync(Order, CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
        Assert.Contains("intermediate", result.NativeMessage, StringComparison.Ordinal);
    }

    /// <summary>Another intermediate under the same root, even one copying the name of UnionPay's, issues nothing we believe.</summary>
    [Theory]
    [InlineData("CN=Test CFCA OCA")]
    [InlineData("CN=Another Issuing CA")]
    public async Task Answer_SignerIssuedByAnotherIntermediate_IsRefused(string intermediateName)
    {
        using var otherKey = RSA.Create(2048);
        using var other = _pki.CreateIntermediate(intermediateName, otherKey);
        using var key = RSA.Create(2048);
        using var signer = _pki.Issue($"CN={UnionPayTestPki.SignerCommonName}", key, other, [0x32]);
        ServeQueryAnswer(UnionPayTestPki.Signed(QueryAnswer(), signer, key));

        var result = await Channel.QueryAsync(Order, CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public void Notification_SignerIssuedDirectlyByTheRoot_IsRefused_ThroughTheIntermediate_Accepted()
    {
        using var key = RSA.Create(2048);
        using var byRoot = _pki.Issue($"CN={UnionPayTestPki.SignerCommonName}", key, _pki.Root, [0x33]);

        var refused = Assert.Throws<NotificationRejectedException>(() => Notify(FormBody(UnionPayTestPki.Signed(Notice(), byRoot, key))));

        Assert.Contains("intermediate", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ChannelOutcome.Succeeded, Notify(FormBody(UnionPayTestPki.Signed(Notice(), _pki.Signer, UnionPayTestPki.SignerKey))).Result.Outcome);
    }

    /// <summary>Only the third <c>@</c> part of the signer's CN is UnionPay's name; the others (type, serials) vary between certificates.</summary>
    [Theory]
    [InlineData("041@8310000000000000@中国银联股份有限公司@00000001", true)]
    [InlineData("022@Z20261126000042@中国银联股份有限公司@00000042", true)]
    [InlineData("041@8310000000000000@中国银联股份有限公司", true)]
    [InlineData("041@8310000000000000@某某支付科技有限公司@00000001", false)]
    [InlineData("041@中国银联股份有限公司@8310000000000000@00000001", false)]
    [InlineData("中国银联股份有限公司", false)]
    [InlineData("041@8310000000000000@中国银联股份有限公司分公司@00000001", false)]
    public void Notification_SignerCn_IsJudgedByItsOrganisationPart(string commonName, bool accepted)
    {
        using var key = RSA.Create(2048);
        using var signer = _pki.Issue($"CN={commonName}, O=China UnionPay", key, _pki.Middle, [0x34]);
        var body = FormBody(UnionPayTestPki.Signed(Notice(), signer, key));

        if (accepted)
        {
            Assert.Equal(ChannelOutcome.Succeeded, Notify(body).Result.Outcome);
        }
        else
        {
            Assert.Contains("CN", Assert.Throws<NotificationRejectedException>(() => Notify(body)).Message, StringComparison.Ordinal);
        }
    }

    /// <summary>UnionPay echoes <c>reqReserved</c> as the merchant sent it: braces, '&amp;' and '=' inside, unencoded in an answer.</summary>
    [Fact]
    public async Task Answer_ReqReservedInBraces_IsOneFieldAndVerifies()
    {
        var answer = QueryAnswer();
        answer["reqReserved"] = "{a=1&b=2}";
        answer["reserved"] = "{cardNumberLock=1&orderTimeout=[15&30]}";
        ServeQueryAnswer(UnionPayTestPki.Signed(answer, _pki.Signer, UnionPayTestPki.SignerKey));

        var result = await Channel.QueryAsync(Order, CancellationToken.None);

        Assert.Equal((ChannelOutcome.Succeeded, "00"), (result.Outcome, result.NativeCode));
    }

    /// <summary>A notification whose sender left the braced value unencoded still gives one field, and its signature holds.</summary>
    [Fact]
    public void Notification_ReqReservedInBracesLeftUnencoded_IsOneFieldAndVerifies()
    {
        var notice = Notice();
        notice["reqReserved"] = "{a=1&b=2}";
        var signed = UnionPayTestPki.Signed(notice, _pki.Signer, UnionPayTestPki.SignerKey);

        Assert.Equal(ChannelOutcome.Succeeded, Notify(FormBody(signed, "reqReserved")).Result.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, Notify(FormBody(signed)).Result.Outcome);
    }

    /// <summary>Braces do not shelter a spliced field: a value that re-cuts the signed text is still refused.</summary>
    [Fact]
    public void Notification_UnbalancedBraceHidingAField_IsRefused()
    {
        var notice = Notice();
        notice["reqReserved"] = "{a=1";
        notice["respMsg"] = "x}&respCode=00";
        var signed = UnionPayTestPki.Signed(notice, _pki.Signer, UnionPayTestPki.SignerKey);

        Assert.Throws<NotificationRejectedException>(() => Notify(FormBody(signed)));
    }

    public void Dispose()
    {
        _services.Dispose();
        _server.Stop();
        _server.Dispose();
        _pki.Dispose();
        _merchantCert.Dispose();
    }
}
