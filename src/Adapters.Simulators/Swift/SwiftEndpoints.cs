using Paygate.Simulators.Signing;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;

namespace Paygate.Simulators.Swift;

/// <summary>The bank's SWIFT interface under <c>/swift</c>: MT103 in, ACK/NAK out, status by UETR; signed answers; faults.</summary>
public static class SwiftEndpoints
{
    public const string BasePath = "/swift";
    public const string SignatureHeader = "Bank-Signature";

    public static IEndpointRouteBuilder MapSwiftSimulator(this IEndpointRouteBuilder app, SwiftNetworkSimulator network, FaultInjector faults)
    {
        app.MapPost(BasePath + "/v1/messages", async (HttpContext context) =>
        {
            var text = await new StreamReader(context.Request.Body, Encoding.ASCII).ReadToEndAsync(context.RequestAborted);
            await HandleAsync(context, network, faults, "send", client => (200, "text/plain", network.Receive(client, text)));
        });
        app.MapGet(BasePath + "/v1/payments/{uetr}", (HttpContext context, string uetr) => HandleAsync(context, network, faults, "status", _ =>
        {
            if (!Guid.TryParseExact(uetr, "D", out var id) || network.Status(id) is not { } transfer)
            {
                return (404, "application/json", new JsonObject { ["error"] = "no transfer with this UETR" }.ToJsonString());
            }
            var body = new JsonObject
            {
                ["uetr"] = transfer.Uetr.ToString("D"),
                ["transaction_status"] = transfer.Status,
                ["status_reason"] = transfer.Reason,
                ["amount_minor"] = transfer.Message.Amount.AmountMinor,
                ["currency"] = transfer.Message.Amount.Currency.Code,
            };
            return (200, "application/json", body.ToJsonString());
        }));
        app.MapLedgerAndFaults(BasePath, () => network.Ledger, faults);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, SwiftNetworkSimulator network, FaultInjector faults, string operation, Func<SwiftSandboxClient, (int Status, string Type, string Body)> run)
    {
        if (await FaultGate.EnterAsync(context, faults, operation) is not { } fault)
        {
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        if (network.Authenticate(authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null) is not { } client)
        {
            context.Response.StatusCode = 401;
            return;
        }
        var (status, type, body) = fault.Kind == FaultKind.NativeError
            ? (200, "text/plain", $"{{1:F21{client.LogicalTerminal}0001000000}}{{4:{{177:{network.Clock.GetUtcNow().UtcDateTime:yyMMddHHmm}}}{{451:1}}{{405:{fault.NativeError}}}}}")
            : run(client);
        if (FaultGate.LoseResponse(context, fault))
        {
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        context.Response.Headers[SignatureHeader] = HmacHeader.Sign(body, client.SigningSecret, network.Clock.GetUtcNow());
        await context.Response.WriteAsync(FaultGate.Deliver(body, fault), Encoding.UTF8);
    }
}
