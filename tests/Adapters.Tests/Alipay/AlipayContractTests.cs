using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.Alipay;

/// <summary>The Alipay adapter against recorded OpenAPI exchanges served by WireMock.</summary>
public sealed class AlipayContractTests : IDisposable
{
    private const string Reference = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly AlipayTestChannel _alipay;

    public AlipayContractTests() => _alipay = new AlipayTestChannel(_server.Url + "/gateway.do", timeoutSeconds: 10);

    private void Serve(string body, int delayMs = 0, int status = 200)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json;charset=utf-8").WithBody(body);
        if (delayMs > 0)
        {
            response = response.WithDelay(delayMs);
        }
        _server.Given(Request.Create().WithPath("/gateway.do").UsingPost()).RespondWith(response);
    }

    private Task<ChannelResult> CreateAsync(AlipayTestChannel? alipay = null) => (alipay ?? _alipay).Channel.CreateAsync(
        new ChannelPaymentRequest(Reference, new Adapters.Money.Money(8888, Currency.CNY), "Cloud server, 1 month",
            (alipay ?? _alipay).Clock.GetUtcNow().AddMinutes(90), "http://127.0.0.1:5081/notify/alipay"), CancellationToken.None);

    [Fact]
    public async Task Create_Success_SendsASignedPrecreateAndReturnsTheQrCode()
    {
        Serve(_alipay.SignedRecording("precreate_success"));

        var result = await CreateAsync();

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        Assert.Equal("https://qr.alipay.com/bax03206ug0kulveltqc80a8", result.Action?.QrCode);

        var sent = _server.LogEntries.Single().RequestMessage!;
        Assert.Contains("charset=utf-8", sent.RawQuery ?? sent.Url, StringComparison.Ordinal);
        var form = sent.Body!.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
        Assert.Equal("alipay.trade.precreate", form["method"]);
        Assert.Equal(AlipayTestChannel.AppId, form["app_id"]);
        Assert.Equal("RSA2", form["sign_type"]);
        Assert.Equal("json", form["format"]);
        Assert.Equal("1.0", form["version"]);
        Assert.Equal("2026-11-26 14:00:00", form["timestamp"]); // Beijing time
        Assert.Equal("http://127.0.0.1:5081/notify/alipay", form["notify_url"]);
        using var biz = JsonDocument.Parse(form["biz_content"]);
        Assert.Equal(Reference, biz.RootElement.GetProperty("out_trade_no").GetString());
        Assert.Equal("88.88", biz.RootElement.GetProperty("total_amount").GetString());
        Assert.Equal("90m", biz.RootElement.GetProperty("timeout_express").GetString());

        // Verified here independently of the adapter: sorted k=v of everything but sign, sign_type included.
        var content = string.Join('&', form.Where(p => p.Key != "sign" && p.Value.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Assert.True(_alipay.MerchantKey.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(form["sign"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Create_DescriptionWithFormSeparators_IsSentAsASubjectThatSplitsNothing()
    {
        Serve(_alipay.SignedRecording("precreate_success"));

        await _alipay.Channel.CreateAsync(new ChannelPaymentRequest(Reference, new Adapters.Money.Money(100, Currency.CNY),
            "x&out_trade_no=VICTIM&total_amount=999999.00 [a={b}]", _alipay.Clock.GetUtcNow().AddMinutes(90), "http://127.0.0.1:5081/notify/alipay"), CancellationToken.None);

        var sent = _server.LogEntries.Single().RequestMessage!;
        var form = sent.Body!.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
        using var biz = JsonDocument.Parse(form["biz_content"]);
        Assert.Equal("x＆out_trade_no＝VICTIM＆total_amount＝999999.00 ［a＝｛b｝］", biz.RootElement.GetProperty("subject").GetString());
    }

    [Theory]
    [InlineData("precreate_acq_system_error", ChannelOutcome.Unknown, "PM-2001", "40004/ACQ.SYSTEM_ERROR")]
    [InlineData("precreate_isp_unknown_error", ChannelOutcome.Unknown, "PM-2001", "20000/isp.unknow-error")]
    [InlineData("precreate_missing_parameter", ChannelOutcome.Failed, "PM-5002", "40001/isv.missing-signature")]
    [InlineData("precreate_invalid_signature", ChannelOutcome.Failed, "PM-6005", "40002/isv.invalid-signature")]
    [InlineData("precreate_context_inconsistent", ChannelOutcome.Declined, "PM-6007", "40004/ACQ.CONTEXT_INCONSISTENT")]
    [InlineData("precreate_call_limited", ChannelOutcome.Failed, "PM-4001", "40005/isv.app-call-limited")]
    [InlineData("precreate_insufficient_permissions", ChannelOutcome.Failed, "PM-6006", "40006/isv.insufficient-isv-permissions")]
    [InlineData("error_response_unsigned", ChannelOutcome.Failed, "PM-5002", "40002/isv.invalid-app-id")]
    public async Task Create_ErrorFamilies_MapToOutcomeAndUnifiedCodeKeepingTheNativeCode(string recording, ChannelOutcome outcome, string pmCode, string nativeCode)
    {
        Serve(_alipay.SignedRecording(recording));

        var result = await CreateAsync();

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(pmCode, result.Error?.Code);
        Assert.Equal(nativeCode, result.NativeCode);
        Assert.False(string.IsNullOrEmpty(result.NativeMessage));
    }

    [Fact]
    public async Task Create_TradeHasSuccess_IsTreatedAsPaid()
    {
        Serve(_alipay.SignedRecording("precreate_trade_has_success"));
        Assert.Equal(ChannelOutcome.Succeeded, (await CreateAsync()).Outcome);
    }

    [Fact]
    public async Task Create_TamperedResponse_IsRejectedAsUnknown()
    {
        var signed = _alipay.SignedRecording("precreate_success");
        Serve(signed.Replace("bax03206ug0kulveltqc80a8", "attacker0000000000000000", StringComparison.Ordinal));

        var result = await CreateAsync();

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Equal("PM-4004", result.Error?.Code);
        Assert.Null(result.Action);
    }

    [Fact]
    public async Task Create_SuccessWithoutSign_IsNotTrusted()
    {
        Serve(_alipay.SignedRecording("precreate_success_unsigned"));
        var result = await CreateAsync();
        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Equal("PM-4004", result.Error?.Code);
    }

    [Fact]
    public async Task Create_NoAnswerInTime_IsUnknownNotFailed()
    {
        using var impatient = new AlipayTestChannel(_server.Url + "/gateway.do", timeoutSeconds: 1);
        Serve(impatient.SignedRecording("precreate_success"), delayMs: 4000);

        var result = await impatient.Channel.CreateAsync(
            new ChannelPaymentRequest(Reference, new Adapters.Money.Money(8888, Currency.CNY), "x", impatient.Clock.GetUtcNow().AddHours(1), "http://127.0.0.1/notify"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Equal("PM-2002", result.Error?.Code);
    }

    [Fact]
    public async Task Create_GatewayAnswers502_IsUnknown()
    {
        Serve("<html>Bad Gateway</html>", status: 502);
        var result = await CreateAsync();
        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Equal("HTTP 502", result.NativeCode);
    }

    [Fact]
    public async Task Create_ConnectionRefused_IsFailedSoItCanFailOver()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var closed = new AlipayTestChannel($"http://127.0.0.1:{port}/gateway.do");

        var result = await closed.Channel.CreateAsync(
            new ChannelPaymentRequest(Reference, new Adapters.Money.Money(100, Currency.CNY), "x", closed.Clock.GetUtcNow().AddHours(1), "http://127.0.0.1/notify"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("PM-4002", result.Error?.Code);
    }

    [Fact]
    public async Task Query_TradeSuccess_ReportsTransactionAndAmount()
    {
        Serve(_alipay.SignedRecording("query_trade_success"));

        var result = await _alipay.Channel.QueryAsync(new(Reference), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Equal("2026112622001404011234567890", result.ChannelTransactionId);
        Assert.Equal(8888, result.ReportedAmountMinor);
        Assert.Equal("10000/TRADE_SUCCESS", result.NativeCode);
    }

    [Fact]
    public async Task Query_WaitBuyerPay_RequiresAction()
    {
        Serve(_alipay.SignedRecording("query_wait_buyer_pay"));
        Assert.Equal(ChannelOutcome.RequiresAction, (await _alipay.Channel.QueryAsync(new(Reference), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Query_TradeNotExist_IsFailedWithOrderNotFound()
    {
        Serve(_alipay.SignedRecording("query_trade_not_exist"));
        var result = await _alipay.Channel.QueryAsync(new(Reference), CancellationToken.None);
        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("PM-4005", result.Error?.Code);
    }

    [Theory]
    [InlineData("close_success")]
    [InlineData("close_trade_not_exist")]
    public async Task Close_ClosedOrNeverCreated_IsSucceeded(string recording)
    {
        Serve(_alipay.SignedRecording(recording));
        Assert.Equal(ChannelOutcome.Succeeded, (await _alipay.Channel.CloseAsync(new(Reference), CancellationToken.None)).Outcome);
        Assert.Contains("method=alipay.trade.close", _server.LogEntries.Single().RequestMessage!.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_Success_SendsOutRequestNoAndAmount()
    {
        Serve(_alipay.SignedRecording("refund_success"));

        var result = await _alipay.Channel.RefundAsync(
            new ChannelRefundRequest(Reference, "RF01", new Adapters.Money.Money(1000, Currency.CNY), new Adapters.Money.Money(8888, Currency.CNY), "customer request"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        var body = WebUtility.UrlDecode(_server.LogEntries.Single().RequestMessage!.Body!);
        Assert.Contains("\"out_request_no\":\"RF01\"", body, StringComparison.Ordinal);
        Assert.Contains("\"refund_amount\":\"10.00\"", body, StringComparison.Ordinal);
    }

    /// <summary>Answers <paramref name="first"/> to the first call, then <paramref name="then"/> to every later one (a WireMock scenario).</summary>
    private void ServeFirstThen(IResponseBuilder first, IResponseBuilder then)
    {
        _server.Given(Request.Create().WithPath("/gateway.do").UsingPost()).InScenario("first-then").WillSetStateTo("answered").RespondWith(first);
        _server.Given(Request.Create().WithPath("/gateway.do").UsingPost()).InScenario("first-then").WhenStateIs("answered").RespondWith(then);
    }

    private static IResponseBuilder Answer(int status, string body, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json;charset=utf-8").WithBody(body);
        return delayMs > 0 ? response.WithDelay(delayMs) : response;
    }

    private static readonly Dictionary<string, string?> QuickHttp = new()
    {
        ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:00.500",
        ["ChannelHttp:Defaults:RetryDelay"] = "00:00:00",
    };

    [Fact]
    public async Task Query_PostedQueryFirstAnswered503_IsRetriedByTheHttpLayer_AndSucceeds()
    {
        using var alipay = new AlipayTestChannel(_server.Url + "/gateway.do", timeoutSeconds: 10, QuickHttp);
        ServeFirstThen(Answer(503, "busy"), Answer(200, alipay.SignedRecording("query_trade_success")));

        var result = await alipay.Channel.QueryAsync(new(Reference), CancellationToken.None);

        // alipay.trade.query is a POST, marked a read by the adapter: sent again after the 503.
        Assert.Equal((ChannelOutcome.Succeeded, "10000/TRADE_SUCCESS", 2), (result.Outcome, result.NativeCode, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Query_FirstAttemptOutlivesItsTimeout_IsRetried_AndSucceeds()
    {
        using var alipay = new AlipayTestChannel(_server.Url + "/gateway.do", timeoutSeconds: 10, QuickHttp);
        ServeFirstThen(Answer(200, alipay.SignedRecording("query_wait_buyer_pay"), delayMs: 2000), Answer(200, alipay.SignedRecording("query_trade_success")));

        var result = await alipay.Channel.QueryAsync(new(Reference), CancellationToken.None);

        // The 0.5 s attempt timeout cut the first attempt before its (waiting) answer: the second attempt's answer is the one read.
        Assert.Equal((ChannelOutcome.Succeeded, "10000/TRADE_SUCCESS"), (result.Outcome, result.NativeCode));
    }

    [Fact]
    public async Task Create_PrecreateAnswered503_IsSentOnce_AndStaysFailedChannelDown()
    {
        using var alipay = new AlipayTestChannel(_server.Url + "/gateway.do", timeoutSeconds: 10, QuickHttp);
        ServeFirstThen(Answer(503, "busy"), Answer(200, alipay.SignedRecording("precreate_success")));

        var result = await CreateAsync(alipay);

        Assert.Equal((ChannelOutcome.Failed, "PM-4002", "HTTP 503", 1), (result.Outcome, result.Error?.Code, result.NativeCode, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Create_PrecreateOutlivesTheAttemptTimeout_IsUnknownMaybeCharged_AndNotSentAgain()
    {
        using var alipay = new AlipayTestChannel(_server.Url + "/gateway.do", timeoutSeconds: 10, QuickHttp);
        var success = alipay.SignedRecording("precreate_success");
        ServeFirstThen(Answer(200, success, delayMs: 2000), Answer(200, success));

        var result = await CreateAsync(alipay);

        // A second attempt would have met the immediate QR code; the create stays "maybe charged" for the gateway to query.
        Assert.Equal((ChannelOutcome.Unknown, "PM-2002", "TIMEOUT"), (result.Outcome, result.Error?.Code, result.NativeCode));
    }

    public void Dispose()
    {
        _alipay.Dispose();
        _server.Stop();
        _server.Dispose();
    }
}
