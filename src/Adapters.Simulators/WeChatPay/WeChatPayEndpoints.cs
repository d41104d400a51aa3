using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.WeChatPay;

/// <summary>The simulated WeChat Pay's HTTP surface under <c>/wechatpay</c>: API v3, the buyer's app, the ledger, faults.</summary>
public static class WeChatPayEndpoints
{
    public const string BasePath = "/wechatpay";
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapWeChatPaySimulator(this IEndpointRouteBuilder app, WeChatPaySimulator network, FaultInjector faults)
    {
        app.MapPost(BasePath + "/v3/pay/transactions/native", (HttpContext c) =>
            HandleAsync(c, network, faults, "native", (m, body) => network.CreateNative(m, body)));
        app.MapGet(BasePath + "/v3/pay/transactions/out-trade-no/{outTradeNo}", (HttpContext c, string outTradeNo) =>
            HandleAsync(c, network, faults, "query", (m, _) => network.Query(m, outTradeNo, c.Request.Query["mchid"].ToString())));
        app.MapPost(BasePath + "/v3/pay/transactions/out-trade-no/{outTradeNo}/close", (HttpContext c, string outTradeNo) =>
            HandleAsync(c, network, faults, "close", (m, body) =>
                body.ValueKind == JsonValueKind.Object && body.TryGetProperty("mchid", out var id) && id.GetString() == m.MchId
                    ? network.Close(m, outTradeNo)
                    : WeChatPayAnswer.Error(400, "PARAM_ERROR", "mchid参数错误")));
        app.MapPost(BasePath + "/v3/refund/domestic/refunds", (HttpContext c) =>
            HandleAsync(c, network, faults, "refund", (m, body) => network.Refund(m, body)));
        app.MapGet(BasePath + "/v3/refund/domestic/refunds/{outRefundNo}", (HttpContext c, string outRefundNo) =>
            HandleAsync(c, network, faults, "refund-query", (m, _) => network.QueryRefund(m, outRefundNo)));

        app.MapPost(BasePath + "/buyer/pay", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var failure = network.BuyerPays(form["code_url"].ToString());
            return failure is null ? Results.Ok(new { paid = true }) : Results.BadRequest(new { paid = false, reason = failure });
        });
        app.MapGet(BasePath + "/v3/bill/tradebill", (HttpContext c) =>
            HandleAsync(c, network, faults, "tradebill", (m, _) => network.TradeBill(m, c.Request.Query["bill_date"].ToString(), c.Request.Query["bill_type"].ToString() is { Length: > 0 } type ? type : "ALL",
                $"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}{BasePath}")));
        app.MapGet(BasePath + "/v3/billdownload/file", (HttpContext c) => DownloadAsync(c, network));
        app.MapLedgerAndFaults(BasePath, () => network.Ledger, faults);
        app.MapSettlementFaults(BasePath, network.Settlement);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, WeChatPaySimulator network, FaultInjector faults, string operation,
        Func<WeChatPayMerchant, JsonElement, WeChatPayAnswer> run)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        if (await FaultGate.EnterAsync(context, faults, operation) is not { } fault)
        {
            return;
        }
        WeChatPayAnswer answer;
        var merchant = Authenticate(context, body, network, out var refusal);
        if (merchant is null)
        {
            answer = WeChatPayAnswer.Error(401, "SIGN_ERROR", refusal);
        }
        else if (fault.Kind == FaultKind.NativeError)
        {
            var parts = fault.NativeError!.Split('/', 2);
            answer = WeChatPayAnswer.Error(int.Parse(parts[0], CultureInfo.InvariantCulture), parts[1], "injected fault");
        }
        else
        {
            JsonElement json = default;
            if (body.Length > 0)
            {
                try
                {
                    using var doc = JsonDocument.Parse(body);
                    json = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    answer = WeChatPayAnswer.Error(400, "PARAM_ERROR", "请求体不是合法的JSON");
                    await WriteAsync(context, network, answer, fault);
                    return;
                }
            }
            answer = run(merchant, json);
        }
        if (FaultGate.LoseResponse(context, fault))
        {
            return;
        }
        await WriteAsync(context, network, answer, fault);
    }

    /// <summary>The bill download: signed like every request; the answer is the file itself, unsigned (its SHA1 came in the signed answer).</summary>
    private static async Task DownloadAsync(HttpContext context, WeChatPaySimulator network)
    {
        var merchant = Authenticate(context, "", network, out var refusal);
        var file = merchant is null ? null : network.DownloadBill(merchant, context.Request.Query["token"].ToString());
        if (file is null)
        {
            await WriteAsync(context, network, merchant is null ? WeChatPayAnswer.Error(401, "SIGN_ERROR", refusal) : WeChatPayAnswer.Error(404, "RESOURCE_NOT_EXISTS", "账单不存在"),
                new FaultDecision(FaultKind.None, 0, null));
            return;
        }
        context.Response.ContentType = "text/csv; charset=utf-8";
        await context.Response.Body.WriteAsync(file, context.RequestAborted);
    }

    /// <summary>Checks the WECHATPAY2-SHA256-RSA2048 Authorization header; the merchant, or null with the reason.</summary>
    private static WeChatPayMerchant? Authenticate(HttpContext context, string body, WeChatPaySimulator network, out string refusal)
    {
        var fields = WeChatPaySimSignature.ParseAuthorization(context.Request.Headers.Authorization.ToString());
        refusal = "签名错误";
        if (fields is null || !fields.TryGetValue("mchid", out var mchId) || !fields.TryGetValue("nonce_str", out var nonce)
            || !fields.TryGetValue("signature", out var signature) || !fields.TryGetValue("timestamp", out var timestamp) || !fields.TryGetValue("serial_no", out var serial))
        {
            refusal = "Authorization头格式错误";
            return null;
        }
        var merchant = network.Merchant(mchId);
        if (merchant is null || merchant.SerialNo != serial)
        {
            refusal = "商户证书序列号有误";
            return null;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (DateTimeOffset.FromUnixTimeSeconds(seconds) - network.Clock.GetUtcNow()).Duration() > MaxClockSkew)
        {
            refusal = "时间戳超出允许范围";
            return null;
        }
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString);
        var message = $"{context.Request.Method}\n{target}\n{timestamp}\n{nonce}\n{body}\n";
        return WeChatPaySimSignature.Verify(message, signature, merchant.PublicKey) ? merchant : null;
    }

    private static async Task WriteAsync(HttpContext context, WeChatPaySimulator network, WeChatPayAnswer answer, FaultDecision fault)
    {
        var body = answer.Body?.ToJsonString() ?? "";
        context.Response.StatusCode = answer.Status;
        SignHeaders((name, value) => context.Response.Headers.TryAdd(name, value), body, network, network.Clock.GetUtcNow());
        if (answer.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(FaultGate.Deliver(body, fault), Encoding.UTF8);
        }
    }

    /// <summary>Adds the Wechatpay-* headers that sign <paramref name="body"/> with the platform key.</summary>
    internal static void SignHeaders(Func<string, string, bool> add, string body, WeChatPaySimulator network, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        add("Wechatpay-Timestamp", timestamp);
        add("Wechatpay-Nonce", nonce);
        add("Wechatpay-Serial", network.PlatformSerialNo);
        add("Wechatpay-Signature", WeChatPaySimSignature.Sign($"{timestamp}\n{nonce}\n{body}\n", network.PlatformKey));
    }
}
