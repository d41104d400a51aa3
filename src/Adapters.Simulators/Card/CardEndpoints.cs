using Paygate.Simulators.Signing;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Card;

/// <summary>The simulated acquirer's REST API under <c>/card</c>, its ledger and its faults.</summary>
public static class CardEndpoints
{
    public const string BasePath = "/card";
    public const string SignatureHeader = "Acquirer-Signature";

    public static IEndpointRouteBuilder MapCardSimulator(this IEndpointRouteBuilder app, CardAcquirerSimulator acquirer, FaultInjector faults)
    {
        app.MapPost(BasePath + "/v1/payments", (HttpContext c) => HandleAsync(c, acquirer, faults, "authorize", Authorize(c, acquirer)));
        app.MapGet(BasePath + "/v1/payments/by-reference/{reference}", (HttpContext c, string reference) => HandleAsync(c, acquirer, faults, "query",
            (account, _, _) => Task.FromResult(acquirer.GetPayment(account, reference))));
        app.MapPost(BasePath + "/v1/refunds", (HttpContext c) => HandleAsync(c, acquirer, faults, "refund", Refund(c, acquirer)));
        app.MapGet(BasePath + "/v1/refunds/by-reference/{reference}", (HttpContext c, string reference) => HandleAsync(c, acquirer, faults, "refund-query",
            (account, _, _) => Task.FromResult(acquirer.GetRefund(account, reference))));
        app.MapPost(BasePath + "/v1/payments/by-reference/{reference}/authorize", (HttpContext c, string reference) => HandleAsync(c, acquirer, faults, "authorize-authenticated",
            (account, body, raw) => acquirer.OnceAsync(account, c.Request.Headers["Idempotency-Key"].ToString(), raw,
                () => Task.FromResult(acquirer.AuthorizeAuthenticated(account, reference, body)))));
        app.MapPost(BasePath + "/v1/payments/by-reference/{reference}/cancel", (HttpContext c, string reference) => HandleAsync(c, acquirer, faults, "cancel",
            (account, _, raw) => acquirer.OnceAsync(account, c.Request.Headers["Idempotency-Key"].ToString(), raw, () => Task.FromResult(acquirer.Cancel(account, reference)))));
        app.MapCardChallengePages(acquirer);
        // Sandbox control: an issuer disputes a captured payment (the acquirer then sends its signed dispute webhook).
        app.MapPost(BasePath + "/sandbox/disputes", async (HttpContext c) =>
        {
            using var doc = await JsonDocument.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted);
            var root = doc.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var stage = Text("stage") ?? "chargeback";
            if (Text("reference") is not { } reference || !CardAcquirerSimulator.DisputeStages.Contains(stage))
            {
                return Results.BadRequest(new { error = $"reference and stage ({string.Join(", ", CardAcquirerSimulator.DisputeStages)}) are required" });
            }
            long? amount = root.TryGetProperty("amount", out var a) && a.TryGetInt64(out var value) ? value : null;
            var dispute = acquirer.RaiseDispute(reference, stage, Text("reason_code") ?? "10.4", Text("reason") ?? "Other Fraud - Card-Absent Environment", amount);
            return dispute is null ? Results.NotFound(new { error = "no captured payment with this reference and a notify URL" }) : Results.Json(dispute, statusCode: 201);
        });
        app.MapGet(BasePath + "/v1/settlement-reports/{day}", (HttpContext c, string day) => ReportAsync(c, acquirer, faults, day));
        app.MapLedgerAndFaults(BasePath, () => acquirer.Ledger, faults);
        app.MapSettlementFaults(BasePath, acquirer.Settlement);
        return app;
    }

    private static Func<CardSandboxAccount, JsonElement, string, Task<CardAnswer>> Authorize(HttpContext c, CardAcquirerSimulator acquirer) =>
        (account, body, raw) => acquirer.OnceAsync(account, c.Request.Headers["Idempotency-Key"].ToString(), raw, () => acquirer.AuthorizeAsync(account, body, PagesBase(c)));

    /// <summary>Where this acquirer's pages are served, as the caller reached it.</summary>
    private static string PagesBase(HttpContext c) => $"{c.Request.Scheme}://{c.Request.Host}{BasePath}";

    private static Func<CardSandboxAccount, JsonElement, string, Task<CardAnswer>> Refund(HttpContext c, CardAcquirerSimulator acquirer) =>
        (account, body, raw) => acquirer.OnceAsync(account, c.Request.Headers["Idempotency-Key"].ToString(), raw, () => Task.FromResult(acquirer.Refund(account, body)));

    private static async Task HandleAsync(HttpContext context, CardAcquirerSimulator acquirer, FaultInjector faults, string operation,
        Func<CardSandboxAccount, JsonElement, string, Task<CardAnswer>> run)
    {
        var raw = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        if (await FaultGate.EnterAsync(context, faults, operation) is not { } fault)
        {
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        var account = acquirer.Authenticate(authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null);
        CardAnswer answer;
        if (account is null)
        {
            await WriteAsync(context, acquirer, CardAnswer.Error(401, "unauthorized", "invalid API key"), null, fault);
            return;
        }
        if (fault.Kind == FaultKind.NativeError)
        {
            var parts = fault.NativeError!.Split('/', 2);
            answer = CardAnswer.Error(int.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length > 1 ? parts[1] : "error", "injected fault");
        }
        else
        {
            JsonElement body = default;
            if (raw.Length > 0)
            {
                try
                {
                    using var doc = JsonDocument.Parse(raw);
                    body = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    await WriteAsync(context, acquirer, CardAnswer.Error(400, "invalid_json", "the body is not JSON"), account, fault);
                    return;
                }
            }
            answer = await run(account, body, raw);
        }
        if (FaultGate.LoseResponse(context, fault))
        {
            return;
        }
        await WriteAsync(context, acquirer, answer, account, fault);
    }

    /// <summary>A day's settlement report as CSV, signed like every answer (HMAC over the body).</summary>
    private static async Task ReportAsync(HttpContext context, CardAcquirerSimulator acquirer, FaultInjector faults, string day)
    {
        if (await FaultGate.EnterAsync(context, faults, "settlement-report") is not { } fault)
        {
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        var account = acquirer.Authenticate(authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null);
        if (account is null || !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            await WriteAsync(context, acquirer, account is null ? CardAnswer.Error(401, "unauthorized", "invalid API key") : CardAnswer.Error(400, "invalid_request", "day must be yyyy-MM-dd"),
                account, fault);
            return;
        }
        if (date > DateOnly.FromDateTime(acquirer.Clock.GetUtcNow().UtcDateTime))
        {
            await WriteAsync(context, acquirer, CardAnswer.Error(404, "not_found", "no report for a day still to come"), account, fault);
            return;
        }
        var body = acquirer.SettlementReport(account, date);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers[SignatureHeader] = HmacHeader.Sign(body, account.SigningSecret, acquirer.Clock.GetUtcNow());
        await context.Response.WriteAsync(FaultGate.Deliver(body, fault), Encoding.UTF8);
    }

    private static async Task WriteAsync(HttpContext context, CardAcquirerSimulator acquirer, CardAnswer answer, CardSandboxAccount? account, FaultDecision fault)
    {
        var body = answer.Body.ToJsonString();
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        if (account is not null)
        {
            context.Response.Headers[SignatureHeader] = HmacHeader.Sign(body, account.SigningSecret, acquirer.Clock.GetUtcNow());
        }
        await context.Response.WriteAsync(FaultGate.Deliver(body, fault), Encoding.UTF8);
    }
}
