using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Adapters.UnionPay;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.UnionPay;

/// <summary>The UnionPay adapter against recorded ACP exchanges, signed by a test PKI standing in for UnionPay's.</summary>
public sealed class UnionPayContractTests : IDisposable
{
    private const string OrderId = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private static readonly RSA UnionPayKey = UnionPayTestPki.SignerKey;
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
    private readonly UnionPayTestPki _pki;
    private readonly X509Certificate2 _unionPayCert;
    private readonly X509Certificate2 _merchantCert;
    private readonly ServiceProvider _services;

    public UnionPayContractTests()
    {
        var now = _clock.GetUtcNow();
        _pki = new UnionPayTestPki(now);
        _unionPayCert = _pki.Signer;
        _merchantCert = _pki.Issue("CN=Merchant", TestKeys.Merchant, _pki.Root, [0x4A, 0x3F, 0x10]);
        _services = _pki.ChannelServices(_server.Url, "777290058110048", _merchantCert, _clock);
    }

    private UnionPayChannel Channel => _services.GetRequiredService<UnionPayChannel>();

    private ChannelOrder Order => new(OrderId, _clock.GetUtcNow().AddMinutes(-5), _clock.GetUtcNow().AddMinutes(25));

    private static Dictionary<string, string> Signed(Dictionary<string, string> fields, X509Certificate2 signer, RSA key) => UnionPayTestPki.Signed(fields, signer, key);

    private static Dictionary<string, string> QueryAnswer(string respCode, string? origRespCode) => new(StringComparer.Ordinal)
    {
        ["version"] = "5.1.0",
        ["encoding"] = "UTF-8",
        ["signMethod"] = "01",
        ["txnType"] = "00",
        ["txnSubType"] = "00",
        ["bizType"] = "000000",
        ["accessType"] = "0",
        ["merId"] = "777290058110048",
        ["orderId"] = OrderId,
        ["txnTime"] = "20261126135500",
        ["respCode"] = respCode,
        ["respMsg"] = "成功[0000000]",
        ["queryId"] = "782611261355000012345",
        ["txnAmt"] = "8888",
        ["origRespCode"] = origRespCode ?? "",
        ["origRespMsg"] = "",
    };

    private void Serve(string path, Dictionary<string, string> answer, int delayMs = 0)
    {
        var body = string.Join('&', answer.Where(a => a.Value.Length > 0).Select(a => $"{a.Key}={a.Value}"));
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain;charset=UTF-8").WithBody(body);
        _server.Given(Request.Create().WithPath(path)).RespondWith(delayMs > 0 ? response.WithDelay(delayMs) : response);
    }

    private Dictionary<string, string> Clean(Dictionary<string, string> answer) => answer.Where(a => a.Value.Length > 0).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    [Fact]
    public async Task Create_BuildsASignedFrontFormWithoutCallingTheNetwork()
    {
        var request = new ChannelPaymentRequest(OrderId, new Adapters.Money.Money(8888, Currency.CNY), "Cloud server", _clock.GetUtcNow().AddMinutes(30),
            "https://merchant.example/notify/unionpay", CreateTime: _clock.GetUtcNow());

        var result = await Channel.CreateAsync(request, CancellationToken.None);

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        Assert.Equal(_server.Url + "/gateway/api/frontTransReq.do", result.Action!.RedirectUrl);
        var form = result.Action.RedirectForm!;
        Assert.Equal("20261126140000", form["txnTime"]);   // Beijing time
        Assert.Equal("20261126143000", form["payTimeout"]);
        Assert.Equal("4865808", form["certId"]);           // 0x4A3F10 in decimal
        Assert.Equal("8888", form["txnAmt"]);
        Assert.Empty(_server.LogEntries);
        // Verified independently: sha256 hex of the sorted fields, signed SHA256withRSA.
        var content = string.Join('&', form.Where(f => f.Key != "signature").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();
        Assert.True(TestKeys.Merchant.VerifyData(Encoding.UTF8.GetBytes(hex), Convert.FromBase64String(form["signature"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData("00", ChannelOutcome.Succeeded)]
    [InlineData("A6", ChannelOutcome.Succeeded)]
    [InlineData("03", ChannelOutcome.Unknown)]
    [InlineData("04", ChannelOutcome.Unknown)]
    [InlineData("05", ChannelOutcome.Unknown)]
    [InlineData("64", ChannelOutcome.Declined)]
    public async Task Query_UsesOrigRespCodeForTheTransactionsFate(string origRespCode, ChannelOutcome outcome)
    {
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("00", origRespCode)), _unionPayCert, UnionPayKey));

        var result = await Channel.QueryAsync(Order, CancellationToken.None);

        Assert.Equal((outcome, origRespCode), (result.Outcome, result.NativeCode));
        var sent = WebUtility.UrlDecode(_server.LogEntries.Single().RequestMessage!.Body!);
        Assert.Contains("txnType=00", sent, StringComparison.Ordinal);
        Assert.Contains("txnTime=20261126135500", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_NoSuchTransactionAfterPayTimeout_IsFailed_BeforeItIsStillPayable()
    {
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("34", null)), _unionPayCert, UnionPayKey));

        Assert.Equal(ChannelOutcome.RequiresAction, (await Channel.QueryAsync(Order, CancellationToken.None)).Outcome);
        var lapsed = Order with { ExpireTime = _clock.GetUtcNow().AddMinutes(-1) };
        Assert.Equal((ChannelOutcome.Failed, "PM-4005"), ((await Channel.QueryAsync(lapsed, CancellationToken.None)).Outcome, (await Channel.QueryAsync(lapsed, CancellationToken.None)).Error?.Code));
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.CloseAsync(lapsed, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Query_AnswerSignedByACertificateNotNamingUnionPay_IsRejected()
    {
        using var impostorKey = RSA.Create(2048);
        using var impostor = _pki.Issue("CN=Not UnionPay", impostorKey, _pki.Middle, [0x07]);
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("00", "00")), impostor, impostorKey));

        var result = await Channel.QueryAsync(Order, CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Query_ExpiredSigningCertificate_IsRejected()
    {
        using var key = RSA.Create(2048);
        using var expired = _pki.Issue($"CN={UnionPayTestPki.SignerCommonName}", key, _pki.Middle, [0x08], _clock.GetUtcNow().AddMonths(-6), _clock.GetUtcNow().AddDays(-1));
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("00", "00")), expired, key));
        Assert.Equal("PM-4004", (await Channel.QueryAsync(Order, CancellationToken.None)).Error?.Code);
    }

    [Fact]
    public async Task Query_TamperedAmount_IsRejected()
    {
        var answer = Signed(Clean(QueryAnswer("00", "00")), _unionPayCert, UnionPayKey);
        answer["txnAmt"] = "1";
        Serve("/gateway/api/queryTrans.do", answer);
        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), ((await Channel.QueryAsync(Order, CancellationToken.None)).Outcome, (await Channel.QueryAsync(Order, CancellationToken.None)).Error?.Code));
    }

    [Fact]
    public async Task Query_NoAnswerInTime_IsUnknown()
    {
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("00", "00")), _unionPayCert, UnionPayKey), delayMs: 4000);
        Assert.Equal((ChannelOutcome.Unknown, "PM-2002"), ((await Channel.QueryAsync(Order, CancellationToken.None)).Outcome, (await Channel.QueryAsync(Order, CancellationToken.None)).Error?.Code));
    }

    [Fact]
    public async Task Refund_AcceptedThenQueried_Succeeds()
    {
        var accepted = Clean(QueryAnswer("00", null));
        accepted["txnType"] = "04";
        Serve("/gateway/api/backTransReq.do", Signed(accepted, _unionPayCert, UnionPayKey));
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("00", "00")), _unionPayCert, UnionPayKey));

        var result = await Channel.RefundAsync(new ChannelRefundRequest(OrderId, "REFUND0001", new Adapters.Money.Money(888, Currency.CNY),
            new Adapters.Money.Money(8888, Currency.CNY), "partial", "782611261355000012345", _clock.GetUtcNow()), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        var sent = WebUtility.UrlDecode(_server.LogEntries.First().RequestMessage!.Body!);
        Assert.Contains("txnType=04", sent, StringComparison.Ordinal);
        Assert.Contains("origQryId=782611261355000012345", sent, StringComparison.Ordinal);
    }

    /// <summary>Answers <paramref name="first"/> to the first call of <paramref name="path"/>, then <paramref name="then"/> (a WireMock scenario).</summary>
    private void ServeFirstThen(string path, IResponseBuilder first, IResponseBuilder then)
    {
        _server.Given(Request.Create().WithPath(path)).InScenario(path).WillSetStateTo("answered").RespondWith(first);
        _server.Given(Request.Create().WithPath(path)).InScenario(path).WhenStateIs("answered").RespondWith(then);
    }

    private static IResponseBuilder Answer(Dictionary<string, string> answer) => Response.Create().WithStatusCode(200)
        .WithHeader("Content-Type", "text/plain;charset=UTF-8").WithBody(string.Join('&', answer.Where(a => a.Value.Length > 0).Select(a => $"{a.Key}={a.Value}")));

    private ServiceProvider QuickHttpServices() => _pki.ChannelServices(_server.Url, "777290058110048", _merchantCert, _clock, new Dictionary<string, string?>
    {
        ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:00.500",
        ["ChannelHttp:Defaults:RetryDelay"] = "00:00:00",
    });

    [Fact]
    public async Task Query_PostedQueryFirstAnswered503_IsRetriedByTheHttpLayer_AndSucceeds()
    {
        await using var services = QuickHttpServices();
        ServeFirstThen("/gateway/api/queryTrans.do", Response.Create().WithStatusCode(503), Answer(Signed(Clean(QueryAnswer("00", "00")), _unionPayCert, UnionPayKey)));

        var result = await services.GetRequiredService<UnionPayChannel>().QueryAsync(Order, CancellationToken.None);

        // queryTrans.do is a POST, marked a read by the adapter: sent again after the 503.
        Assert.Equal((ChannelOutcome.Succeeded, 2), (result.Outcome, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Refund_Answered503_IsSentOnce_AndStaysFailedChannelDown()
    {
        await using var services = QuickHttpServices();
        var accepted = Clean(QueryAnswer("00", null));
        accepted["txnType"] = "04";
        ServeFirstThen("/gateway/api/backTransReq.do", Response.Create().WithStatusCode(503), Answer(Signed(accepted, _unionPayCert, UnionPayKey)));

        var result = await services.GetRequiredService<UnionPayChannel>().RefundAsync(new ChannelRefundRequest(OrderId, "REFUND0001",
            new Adapters.Money.Money(888, Currency.CNY), new Adapters.Money.Money(8888, Currency.CNY), "partial", "782611261355000012345", _clock.GetUtcNow()), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Failed, "PM-4002", 1), (result.Outcome, result.Error?.Code, _server.LogEntries.Count()));
    }

    /// <summary>A payment notification as UnionPay signs it, with <paramref name="changes"/> applied to the usual fields.</summary>
    private Dictionary<string, string> SignedNotice(params (string Key, string Value)[] changes)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = "5.1.0",
            ["encoding"] = "UTF-8",
            ["merId"] = "777290058110048",
            ["orderId"] = OrderId,
            ["txnTime"] = "20261126135500",
            ["txnAmt"] = "8888",
            ["queryId"] = "782611261355000012345",
            ["respCode"] = "00",
            ["respMsg"] = "成功",
            ["settleAmt"] = "8888",
            ["settleDate"] = "1126",
            ["traceNo"] = "012345",
        };
        foreach (var (key, value) in changes)
        {
            fields[key] = value;
        }
        return Signed(fields, _unionPayCert, UnionPayKey);
    }

    private static string FormBody(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => $"{WebUtility.UrlEncode(f.Key)}={WebUtility.UrlEncode(f.Value)}"));

    [Fact]
    public void ParseNotification_Verified_ReportsThePayment_ForgedIsRejected()
    {
        var body = FormBody(SignedNotice());

        var notification = Channel.ParseNotification(new Dictionary<string, string>(), body);

        Assert.Equal((OrderId, ChannelOutcome.Succeeded, 8888L), (notification.Reference, notification.Result.Outcome, notification.Result.ReportedAmountMinor));
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string>(), body.Replace("txnAmt=8888", "txnAmt=1", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("00", ChannelOutcome.Succeeded)]
    [InlineData("01", ChannelOutcome.Failed)]
    public void ParseNotification_RefundToItsBackUrl_ReportsTheRefund_ForgedIsRejected(string respCode, ChannelOutcome outcome)
    {
        var body = FormBody(SignedNotice(("txnType", "04"), ("orderId", "REFUND0001"), ("txnAmt", "888"), ("queryId", "782611261400000012399"),
            ("origQryId", "782611261355000012345"), ("respCode", respCode)));

        var notification = Channel.ParseNotification(new Dictionary<string, string>(), body);

        Assert.Equal(("", "REFUND0001", outcome), (notification.Reference, notification.RefundReference, notification.Result.Outcome));
        Assert.Equal($"782611261400000012399/{respCode}", notification.NotificationId);
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string>(), body.Replace("orderId=REFUND0001", "orderId=REFUND0002", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Refund_AsksForItsNotificationAtTheRefundsNotifyUrl()
    {
        var accepted = Clean(QueryAnswer("00", null));
        accepted["txnType"] = "04";
        Serve("/gateway/api/backTransReq.do", Signed(accepted, _unionPayCert, UnionPayKey));
        Serve("/gateway/api/queryTrans.do", Signed(Clean(QueryAnswer("00", "00")), _unionPayCert, UnionPayKey));

        await Channel.RefundAsync(new ChannelRefundRequest(OrderId, "REFUND0001", new Adapters.Money.Money(888, Currency.CNY),
            new Adapters.Money.Money(8888, Currency.CNY), "partial", "782611261355000012345", _clock.GetUtcNow(), "http://127.0.0.1:5081/notify/unionpay"), CancellationToken.None);

        var sent = WebUtility.UrlDecode(_server.LogEntries.First().RequestMessage!.Body!);
        Assert.Contains("backUrl=http://127.0.0.1:5081/notify/unionpay", sent, StringComparison.Ordinal);
    }

    /// <summary>A genuinely signed notification whose fields are re-cut (same signed text) or named twice is refused.</summary>
    [Fact]
    public void ParseNotification_SignedTextReCutOrFieldNamedTwice_IsRejected()
    {
        static string Content(IEnumerable<KeyValuePair<string, string>> fields) =>
            string.Join('&', fields.Where(f => f.Key != "signature").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));

        // A value carrying "&merId=..&orderId=<victim>&..." signs the same text as extra fields: refused as it stands...
        var spliced = SignedNotice(("respMsg", "ok&merId=777290058110048&orderId=VICTIM0000000000001&queryId=782611261355000012345&respCode=00&respMsg=x"));
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string>(), FormBody(spliced)));
        // ...and re-cut so that the victim's order number is a field of its own: the genuine head folded into encoding.
        var recut = new Dictionary<string, string>(spliced, StringComparer.Ordinal)
        {
            ["encoding"] = $"UTF-8&merId=777290058110048&orderId={OrderId}&queryId=782611261355000012345&respCode=00&respMsg=ok",
            ["orderId"] = "VICTIM0000000000001",
            ["respMsg"] = "x",
        };
        Assert.Equal(Content(spliced), Content(recut)); // the same signed text: the signature alone would pass
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string>(), FormBody(recut)));

        // A genuine notification with one field named twice.
        var genuine = FormBody(SignedNotice());
        Assert.Equal(ChannelOutcome.Succeeded, Channel.ParseNotification(new Dictionary<string, string>(), genuine).Result.Outcome);
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string>(), genuine + "&orderId=VICTIM0000000000001"));
    }

    /// <summary>
    /// Any one character of a genuine notification changed: refused as a forgery or (a change the signature cannot see, such as
    /// unused bits of a Base64 tail or the unsigned sign_type) read as before; never another exception, which would be a 500.
    /// </summary>
    [Fact]
    public void ParseNotification_AnyCharacterChanged_NeverThrowsAnythingButARejection()
    {
        var body = FormBody(SignedNotice());
        var unexpected = new List<string>();
        for (var i = 0; i < body.Length; i++)
        {
            var chars = body.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            try
            {
                Channel.ParseNotification(new Dictionary<string, string>(), new string(chars));
            }
            catch (NotificationRejectedException)
            {
            }
            catch (Exception ex)
            {
                unexpected.Add($"#{i}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        Assert.Empty(unexpected.Take(5));
    }

    /// <summary>UnionPay reads a {...} value as one field, as its SDK does: a reserved field holding '&amp;' and '=' still verifies.</summary>
    [Fact]
    public void ParseNotification_BracedValueWithSeparators_IsOneField()
    {
        var body = FormBody(SignedNotice(("reqReserved", "{a=1&b=2}")));

        Assert.Equal(ChannelOutcome.Succeeded, Channel.ParseNotification(new Dictionary<string, string>(), body).Result.Outcome);
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
