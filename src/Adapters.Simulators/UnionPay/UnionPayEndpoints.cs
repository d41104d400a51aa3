using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.UnionPay;

/// <summary>The simulated UnionPay under <c>/unionpay</c>: the ACP gateway paths, the cashier (buyer), ledger, faults.</summary>
public static class UnionPayEndpoints
{
    public const string BasePath = "/unionpay";

    public static IEndpointRouteBuilder MapUnionPaySimulator(this IEndpointRouteBuilder app, UnionPaySimulator network, FaultInjector faults)
    {
        app.MapPost(BasePath + "/gateway/api/frontTransReq.do", async (HttpContext context) =>
        {
            var fields = await ReadFormAsync(context);
            var (code, message) = network.Front(fields);
            // The payer's browser lands on UnionPay's cashier page, or on an error page.
            var page = code == "00"
                ? $"<html><head><meta charset=\"utf-8\"><title>银联在线支付</title></head><body><h1>银联在线支付</h1><p>订单号 {WebUtility.HtmlEncode(fields["orderId"])}，金额 {WebUtility.HtmlEncode(fields["txnAmt"])} 分</p></body></html>"
                : $"<html><head><meta charset=\"utf-8\"></head><body><p>respCode={code} {WebUtility.HtmlEncode(message)}</p></body></html>";
            return Results.Content(page, "text/html; charset=utf-8");
        });
        app.MapPost(BasePath + "/gateway/api/queryTrans.do", (HttpContext c) => BackAsync(c, network, faults, "query", network.Query));
        app.MapPost(BasePath + "/gateway/api/backTransReq.do", (HttpContext c) => BackAsync(c, network, faults, "back", network.Back));
        app.MapPost(BasePath + "/buyer/pay", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var respCode = form["respCode"].ToString();
            var failure = network.BuyerPays(form["orderId"].ToString(), respCode.Length > 0 ? respCode : "00");
            return failure is null ? Results.Ok(new { paid = true }) : Results.BadRequest(new { paid = false, reason = failure });
        });
        app.MapPost(BasePath + "/gateway/api/fileTransfer.do", (HttpContext c) => BackAsync(c, network, faults, "file", network.FileTransfer));
        app.MapLedgerAndFaults(BasePath, () => network.Ledger, faults);
        app.MapSettlementFaults(BasePath, network.Settlement);
        return app;
    }

    private static async Task BackAsync(HttpContext context, UnionPaySimulator network, FaultInjector faults, string operation,
        Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> run)
    {
        var fields = await ReadFormAsync(context);
        if (await FaultGate.EnterAsync(context, faults, operation) is not { } fault)
        {
            return;
        }
        Dictionary<string, string> answer;
        if (fault.Kind == FaultKind.NativeError)
        {
            answer = network.Signed(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["version"] = "5.1.0",
                ["respCode"] = fault.NativeError!,
                ["respMsg"] = "injected fault",
                ["merId"] = fields.GetValueOrDefault("merId", ""),
                ["orderId"] = fields.GetValueOrDefault("orderId", ""),
            });
        }
        else
        {
            answer = run(fields);
        }
        if (FaultGate.LoseResponse(context, fault))
        {
            return;
        }
        // ACP answers are raw k=v pairs, not URL-encoded.
        var body = string.Join('&', answer.Select(p => $"{p.Key}={p.Value}"));
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(TamperIfAsked(body, fault), Encoding.UTF8);
    }

    /// <summary>A man in the middle changes the amount, keeping the signature.</summary>
    private static string TamperIfAsked(string body, FaultDecision fault) =>
        fault.Kind == FaultKind.TamperResponse ? body.Replace("respMsg=", "respMsg=x", StringComparison.Ordinal) : body;

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        return form.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
    }
}
