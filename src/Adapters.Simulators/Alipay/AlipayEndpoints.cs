using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Alipay;

/// <summary>The simulated Alipay's HTTP surface: the OpenAPI gateway, the buyer's app, the ledger and faults.</summary>
public static class AlipayEndpoints
{
    public const string GatewayPath = "/alipay/gateway.do";

    // Alipay sends Chinese text as raw UTF-8, not \u escapes; the signature covers those bytes.
    private static readonly JsonSerializerOptions RawUtf8 = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapAlipaySimulator(this IEndpointRouteBuilder app, AlipaySimulator network, FaultInjector faults)
    {
        app.MapPost(GatewayPath, (HttpContext context) => HandleGatewayAsync(context, network, faults));
        app.MapPost("/alipay/buyer/pay", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var failure = network.BuyerPays(form["qr_code"].ToString());
            return failure is null ? Results.Ok(new { paid = true }) : Results.BadRequest(new { paid = false, reason = failure });
        });
        app.MapLedgerAndFaults("/alipay", () => network.Ledger, faults);
        app.MapGet("/alipay/bill/download", (string token) => network.DownloadBill(token) is { } bill
            ? Results.File(bill.Zip, "application/zip", bill.Name)
            : Results.NotFound());
        app.MapSettlementFaults("/alipay", network.Settlement);
        return app;
    }

    private static async Task HandleGatewayAsync(HttpContext context, AlipaySimulator network, FaultInjector faults)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        var method = form.GetValueOrDefault("method", "");
        if (await FaultGate.EnterAsync(context, faults, method) is not { } fault)
        {
            return;
        }

        Dictionary<string, object?> node;
        if (fault.Kind == FaultKind.NativeError)
        {
            var parts = fault.NativeError!.Split('/', 2);
            node = AlipaySimulator.Error(parts[0], parts.Length > 1 ? parts[1] : "", "injected fault");
        }
        else
        {
            node = Verify(form, network) ?? Execute(form, network, method, $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}");
        }
        if (FaultGate.LoseResponse(context, fault))
        {
            return; // processed above; the merchant never hears of it
        }
        await WriteSignedAsync(context, network, method, node, fault);
    }

    /// <summary>The gateway's own checks before any business logic; null when the request may proceed.</summary>
    private static Dictionary<string, object?>? Verify(Dictionary<string, string> form, AlipaySimulator network)
    {
        foreach (var required in new[] { "app_id", "method", "charset", "sign_type", "sign", "timestamp", "version" })
        {
            if (string.IsNullOrEmpty(form.GetValueOrDefault(required)))
            {
                return AlipaySimulator.Error("40001", $"isv.missing-{required.Replace('_', '-')}", $"缺少{required}参数");
            }
        }
        var key = network.AppKey(form["app_id"]);
        if (key is null)
        {
            return AlipaySimulator.Error("40002", "isv.invalid-app-id", "无效的AppID参数");
        }
        if (form["sign_type"] != "RSA2")
        {
            return AlipaySimulator.Error("40002", "isv.invalid-signature-type", "无效的签名类型");
        }
        if (!AlipaySimSignature.Verify(AlipaySimSignature.Content(form, "sign"), form["sign"], key))
        {
            return AlipaySimulator.Error("40002", "isv.invalid-signature", "验签出错");
        }
        if (!network.TimestampAcceptable(form["timestamp"]))
        {
            return AlipaySimulator.Error("40002", "isv.invalid-timestamp", "非法的时间戳参数");
        }
        return null;
    }

    private static Dictionary<string, object?> Execute(Dictionary<string, string> form, AlipaySimulator network, string method, string baseUrl)
    {
        JsonElement biz;
        try
        {
            using var doc = JsonDocument.Parse(form.GetValueOrDefault("biz_content", "{}"));
            biz = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return AlipaySimulator.Error("40002", "isv.invalid-biz-content", "biz_content不是合法的JSON");
        }
        return method == "alipay.data.dataservice.bill.downloadurl.query"
            ? network.BillDownloadUrl(form["app_id"], biz, baseUrl)
            : network.Execute(form["app_id"], method, biz, form.GetValueOrDefault("notify_url"));
    }

    private static async Task WriteSignedAsync(HttpContext context, AlipaySimulator network, string method, Dictionary<string, object?> node, FaultDecision fault)
    {
        var nodeName = string.IsNullOrEmpty(method) ? "error_response" : method.Replace('.', '_') + "_response";
        var nodeJson = JsonSerializer.Serialize(node, RawUtf8);
        var signature = AlipaySimSignature.Sign(nodeJson, network.PlatformKey);
        nodeJson = FaultGate.Deliver(nodeJson, fault);
        var body = $"{{\"{nodeName}\":{nodeJson},\"sign\":\"{signature}\"}}";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json;charset=utf-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }
}
