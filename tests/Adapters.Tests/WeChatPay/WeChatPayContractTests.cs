using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.WeChatPay;

/// <summary>The WeChat Pay adapter against recorded API v3 exchanges served by WireMock.</summary>
public sealed class WeChatPayContractTests : IDisposable
{
    private const string Reference = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private const string NativeSuccess = "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}";
    private const string QuerySuccess = "{\"amount\":{\"currency\":\"CNY\",\"payer_currency\":\"CNY\",\"payer_total\":8888,\"total\":8888},\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1900000109\",\"out_trade_no\":\"01JDZ6Q4W5T8M2N3P4R5S6T7V8A01\",\"success_time\":\"2026-11-26T14:05:01+08:00\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"支付成功\",\"trade_type\":\"NATIVE\",\"transaction_id\":\"4200000985202611261234567890\"}";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly WeChatPayTestChannel _wechat;

    public WeChatPayContractTests() => _wechat = new WeChatPayTestChannel(_server.Url!);

    private void Serve(string path, int status, string body, IReadOnlyDictionary<string, string>? headers = null, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body.Length > 0)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response = response.WithHeader(name, value);
        }
        if (delayMs > 0)
        {
            response = response.WithDelay(delayMs);
        }
        _server.Given(Request.Create().WithPath(path)).RespondWith(response);
    }

    private void ServeSigned(string path, int status, string body) => Serve(path, status, body, _wechat.SignedHeaders(body));

    private Task<ChannelResult> CreateAsync(WeChatPayTestChannel? channel = null)
    {
        var c = channel ?? _wechat;
        return c.Channel.CreateAsync(new ChannelPaymentRequest(Reference, new Adapters.Money.Money(8888, Currency.CNY), "Cloud server, 1 month",
            c.Clock.GetUtcNow().AddMinutes(30), "https://merchant.example/notify/wechatpay"), CancellationToken.None);
    }

    [Fact]
    public async Task Create_Success_SendsASignedNativeOrderAndReturnsTheCodeUrl()
    {
        ServeSigned("/v3/pay/transactions/native", 200, NativeSuccess);

        var result = await CreateAsync();

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        Assert.Equal("weixin://wxpay/bizpayurl?pr=p4lpSuKzz", result.Action?.QrCode);

        var sent = _server.LogEntries.Single().RequestMessage!;
        using var body = JsonDocument.Parse(sent.Body!);
        Assert.Equal(WeChatPayTestChannel.AppId, body.RootElement.GetProperty("appid").GetString());
        Assert.Equal(WeChatPayTestChannel.MchId, body.RootElement.GetProperty("mchid").GetString());
        Assert.Equal(Reference, body.RootElement.GetProperty("out_trade_no").GetString());
        Assert.Equal(8888, body.RootElement.GetProperty("amount").GetProperty("total").GetInt64());
        Assert.Equal("2026-11-26T14:30:00+08:00", body.RootElement.GetProperty("time_expire").GetString());

        // The Authorization header, checked here independently of the adapter.
        var authorization = sent.Headers!["Authorization"].Single();
        Assert.StartsWith("WECHATPAY2-SHA256-RSA2048 ", authorization, StringComparison.Ordinal);
        var fields = authorization["WECHATPAY2-SHA256-RSA2048 ".Length..].Split(',')
            .Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1].Trim('"'));
        Assert.Equal(WeChatPayTestChannel.MchId, fields["mchid"]);
        Assert.Equal(WeChatPayTestChannel.MerchantSerial, fields["serial_no"]);
        var message = $"POST\n/v3/pay/transactions/native\n{fields["timestamp"]}\n{fields["nonce_str"]}\n{sent.Body}\n";
        Assert.True(_wechat.MerchantKey.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(fields["signature"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Create_TamperedBody_IsRejectedAsUnknown()
    {
        var headers = _wechat.SignedHeaders(NativeSuccess);
        Serve("/v3/pay/transactions/native", 200, NativeSuccess.Replace("p4lpSuKzz", "attacker0", StringComparison.Ordinal), headers);

        var result = await CreateAsync();

        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
        Assert.Null(result.Action);
    }

    [Fact]
    public async Task Create_SignedWithAnUnknownSerial_IsRejected()
    {
        using var other = RSA.Create(2048);
        Serve("/v3/pay/transactions/native", 200, NativeSuccess, _wechat.SignedHeaders(NativeSuccess, serial: "UNKNOWN_SERIAL", key: other));
        var result = await CreateAsync();
        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
        Assert.Contains("serial", result.NativeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_StaleTimestamp_IsRejectedAsAReplay()
    {
        Serve("/v3/pay/transactions/native", 200, NativeSuccess, _wechat.SignedHeaders(NativeSuccess, at: _wechat.Clock.GetUtcNow().AddMinutes(-10)));
        var result = await CreateAsync();
        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
        Assert.Contains("timestamp", result.NativeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SuccessWithoutSignature_IsNotTrusted()
    {
        Serve("/v3/pay/transactions/native", 200, NativeSuccess);
        Assert.Equal(ChannelOutcome.Unknown, (await CreateAsync()).Outcome);
    }

    [Theory]
    [InlineData(400, "PARAM_ERROR", ChannelOutcome.Failed, "PM-5002", true)]
    [InlineData(401, "SIGN_ERROR", ChannelOutcome.Failed, "PM-6005", false)]
    [InlineData(403, "OUT_TRADE_NO_USED", ChannelOutcome.Failed, "PM-6007", true)]
    [InlineData(403, "NOTENOUGH", ChannelOutcome.Declined, "PM-1001", true)]
    [InlineData(403, "RULE_LIMIT", ChannelOutcome.Declined, "PM-3005", true)]
    [InlineData(429, "FREQUENCY_LIMITED", ChannelOutcome.Failed, "PM-4001", false)]
    [InlineData(500, "SYSTEM_ERROR", ChannelOutcome.Unknown, "PM-2001", true)]
    [InlineData(500, "SYSTEMERROR", ChannelOutcome.Unknown, "PM-2001", false)]
    [InlineData(500, "BANK_ERROR", ChannelOutcome.Unknown, "PM-2001", true)]
    public async Task Create_ErrorAnswers_MapToOutcomeAndUnifiedCode(int status, string code, ChannelOutcome outcome, string pmCode, bool signed)
    {
        var body = $"{{\"code\":\"{code}\",\"message\":\"测试\"}}";
        if (signed)
        {
            ServeSigned("/v3/pay/transactions/native", status, body);
        }
        else
        {
            Serve("/v3/pay/transactions/native", status, body);
        }

        var result = await CreateAsync();

        Assert.Equal((outcome, pmCode, code, "测试"), (result.Outcome, result.Error?.Code, result.NativeCode, result.NativeMessage));
    }

    [Fact]
    public async Task Create_NoAnswerInTime_IsUnknown()
    {
        using var impatient = new WeChatPayTestChannel(_server.Url!, timeoutSeconds: 1);
        Serve("/v3/pay/transactions/native", 200, NativeSuccess, impatient.SignedHeaders(NativeSuccess), delayMs: 4000);
        var result = await CreateAsync(impatient);
        Assert.Equal((ChannelOutcome.Unknown, "PM-2002"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Query_Success_ReportsTransactionAndAmountAndSignsTheQueryString()
    {
        ServeSigned($"/v3/pay/transactions/out-trade-no/{Reference}", 200, QuerySuccess);

        var result = await _wechat.Channel.QueryAsync(new(Reference), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Equal("4200000985202611261234567890", result.ChannelTransactionId);
        Assert.Equal(8888, result.ReportedAmountMinor);
        var sent = _server.LogEntries.Single().RequestMessage!;
        Assert.Equal("GET", sent.Method);
        Assert.Equal($"/v3/pay/transactions/out-trade-no/{Reference}?mchid={WeChatPayTestChannel.MchId}", sent.Path + "?" + sent.RawQuery?.TrimStart('?'));
    }

    [Theory]
    [InlineData("NOTPAY", ChannelOutcome.RequiresAction)]
    [InlineData("USERPAYING", ChannelOutcome.RequiresAction)]
    [InlineData("CLOSED", ChannelOutcome.Failed)]
    [InlineData("REVOKED", ChannelOutcome.Failed)]
    [InlineData("PAYERROR", ChannelOutcome.Declined)]
    [InlineData("REFUND", ChannelOutcome.Succeeded)]
    public async Task Query_TradeStates_MapToOutcomes(string state, ChannelOutcome outcome)
    {
        ServeSigned($"/v3/pay/transactions/out-trade-no/{Reference}", 200, QuerySuccess.Replace("\"trade_state\":\"SUCCESS\"", $"\"trade_state\":\"{state}\"", StringComparison.Ordinal));
        Assert.Equal(outcome, (await _wechat.Channel.QueryAsync(new(Reference), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Query_OrderNotExist_IsFailedNotFound()
    {
        ServeSigned($"/v3/pay/transactions/out-trade-no/{Reference}", 404, "{\"code\":\"ORDERNOTEXIST\",\"message\":\"订单不存在\"}");
        var result = await _wechat.Channel.QueryAsync(new(Reference), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Failed, "PM-4005"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Close_NoContent_IsSucceeded()
    {
        ServeSigned($"/v3/pay/transactions/out-trade-no/{Reference}/close", 204, "");
        Assert.Equal(ChannelOutcome.Succeeded, (await _wechat.Channel.CloseAsync(new(Reference), CancellationToken.None)).Outcome);
        using var body = JsonDocument.Parse(_server.LogEntries.Single().RequestMessage!.Body!);
        Assert.Equal(WeChatPayTestChannel.MchId, body.RootElement.GetProperty("mchid").GetString());
    }

    [Theory]
    [InlineData("SUCCESS", ChannelOutcome.Succeeded)]
    [InlineData("PROCESSING", ChannelOutcome.Unknown)]
    [InlineData("CLOSED", ChannelOutcome.Failed)]
    [InlineData("ABNORMAL", ChannelOutcome.Failed)]
    public async Task Refund_Statuses_MapToOutcomes(string status, ChannelOutcome outcome)
    {
        var body = $"{{\"refund_id\":\"50000000382019052709732678859\",\"out_refund_no\":\"RF01\",\"status\":\"{status}\",\"amount\":{{\"refund\":1000,\"total\":8888,\"currency\":\"CNY\"}}}}";
        ServeSigned("/v3/refund/domestic/refunds", 200, body);
        ServeSigned("/v3/refund/domestic/refunds/RF01", 200, body);

        var request = new ChannelRefundRequest(Reference, "RF01", new Adapters.Money.Money(1000, Currency.CNY), new Adapters.Money.Money(8888, Currency.CNY), "customer request");
        var refund = await _wechat.Channel.RefundAsync(request, CancellationToken.None);
        var query = await _wechat.Channel.QueryRefundAsync(request, CancellationToken.None);

        Assert.Equal(outcome, refund.Outcome);
        Assert.Equal(outcome, query.Outcome);
        using var sent = JsonDocument.Parse(_server.LogEntries.First().RequestMessage!.Body!);
        Assert.Equal(8888, sent.RootElement.GetProperty("amount").GetProperty("total").GetInt64());
        Assert.Equal("RF01", sent.RootElement.GetProperty("out_refund_no").GetString());
    }

    /// <summary>Answers <paramref name="first"/> to the first call of <paramref name="path"/>, then <paramref name="then"/> (a WireMock scenario).</summary>
    private void ServeFirstThen(string path, IResponseBuilder first, IResponseBuilder then)
    {
        _server.Given(Request.Create().WithPath(path)).InScenario(path).WillSetStateTo("answered").RespondWith(first);
        _server.Given(Request.Create().WithPath(path)).InScenario(path).WhenStateIs("answered").RespondWith(then);
    }

    private static IResponseBuilder Answer(int status, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response = response.WithHeader(name, value);
        }
        return response;
    }

    private static readonly Dictionary<string, string?> QuickHttp = new()
    {
        ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:00.500",
        ["ChannelHttp:Defaults:RetryDelay"] = "00:00:00",
    };

    [Fact]
    public async Task Query_FirstAnswered503_IsRetriedByTheHttpLayer_AndSucceeds()
    {
        using var wechat = new WeChatPayTestChannel(_server.Url!, settings: QuickHttp);
        ServeFirstThen($"/v3/pay/transactions/out-trade-no/{Reference}", Answer(503, "{\"code\":\"SYSTEM_ERROR\",\"message\":\"busy\"}"),
            Answer(200, QuerySuccess, wechat.SignedHeaders(QuerySuccess)));

        var result = await wechat.Channel.QueryAsync(new(Reference), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Succeeded, 2), (result.Outcome, _server.LogEntries.Count()));
        Assert.All(_server.LogEntries, e => Assert.Equal("GET", e.RequestMessage!.Method));
    }

    [Fact]
    public async Task Create_Answered500_IsSentOnce_AndStaysUnknown()
    {
        // A generous attempt timeout: on a loaded machine a 500 ms one can lapse before the answer, which is Unknown too
        // but proves nothing about resending.
        using var wechat = new WeChatPayTestChannel(_server.Url!, settings: new Dictionary<string, string?>(QuickHttp) { ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:10" });
        ServeFirstThen("/v3/pay/transactions/native", Answer(500, "{\"code\":\"SYSTEM_ERROR\",\"message\":\"oops\"}"),
            Answer(200, NativeSuccess, wechat.SignedHeaders(NativeSuccess)));

        var result = await CreateAsync(wechat);

        // A 500 may have been processed: "maybe charged", for the gateway to query; the HTTP layer does not send it again.
        Assert.Equal((ChannelOutcome.Unknown, 1), (result.Outcome, _server.LogEntries.Count()));
    }

    public void Dispose()
    {
        _wechat.Dispose();
        _server.Stop();
        _server.Dispose();
    }
}
