using Paygate.Simulators.Signing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paygate.Simulators.Faults;

namespace Paygate.Simulators.BankTransfer;

/// <summary>The bank's corporate API under <c>/bank</c>: collections, refunds, statements; signed answers; faults; the payer's transfer.</summary>
public static class BankEndpoints
{
    public const string BasePath = "/bank";

    public static IEndpointRouteBuilder MapBankSimulator(this IEndpointRouteBuilder app, BankSimulator bank, FaultInjector faults)
    {
        app.MapPost(BasePath + "/v1/collections", (HttpContext c) => HandleAsync(c, bank, faults, "collection", body =>
        {
            var reference = Str(body, "reference");
            if (reference is null || Str(body, "amount") is not { } amount || Str(body, "currency") is not { } currency)
            {
                return (400, Json(new JsonObject { ["error"] = "reference, amount and currency are required" }));
            }
            var collection = bank.Open(reference, Str(body, "virtual_account") ?? "VA" + reference, amount, currency, Str(body, "notify_url") ?? "");
            return (200, CollectionJson(collection));
        }));
        app.MapGet(BasePath + "/v1/collections/{reference}", (HttpContext c, string reference) => HandleAsync(c, bank, faults, "collection-query",
            _ => bank.Find(reference) is { } collection ? (200, CollectionJson(collection)) : (404, Json(new JsonObject { ["error"] = "no such collection" }))));
        app.MapPost(BasePath + "/v1/collections/{reference}/close", (HttpContext c, string reference) => HandleAsync(c, bank, faults, "collection-close",
            _ => bank.Close(reference) is { } collection ? (200, CollectionJson(collection)) : (404, Json(new JsonObject { ["error"] = "no such collection" }))));
        app.MapPost(BasePath + "/v1/refunds", (HttpContext c) => HandleAsync(c, bank, faults, "refund", body =>
        {
            if (Str(body, "reference") is not { } reference || Str(body, "original_reference") is not { } original || Str(body, "currency") is not { } currency
                || !decimal.TryParse(Str(body, "amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return (400, Json(new JsonObject { ["error"] = "reference, original_reference, amount and currency are required" }));
            }
            var (status, reason, bankReference) = bank.Refund(reference, original, MinorUnits(amount, currency), currency);
            return (200, Json(new JsonObject { ["reference"] = reference, ["status"] = status, ["reason"] = reason, ["bank_reference"] = bankReference }));
        }));
        app.MapPost(BasePath + "/v1/returns", (HttpContext c) => HandleAsync(c, bank, faults, "return", body =>
        {
            if (Str(body, "reference") is not { } reference || Str(body, "entry_reference") is not { } entry || Str(body, "currency") is not { } currency
                || !decimal.TryParse(Str(body, "amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return (400, Json(new JsonObject { ["error"] = "reference, entry_reference, amount and currency are required" }));
            }
            var (status, reason) = bank.Return(reference, entry, MinorUnits(amount, currency), currency);
            return (200, Json(new JsonObject { ["reference"] = reference, ["status"] = status, ["reason"] = reason }));
        }));
        app.MapGet(BasePath + "/v1/refunds/{reference}", (HttpContext c, string reference) => HandleAsync(c, bank, faults, "refund-query",
            _ => bank.FindRefund(reference) is { } refund
                ? (200, Json(new JsonObject { ["reference"] = reference, ["status"] = refund.Status, ["bank_reference"] = refund.BankReference }))
                : (404, Json(new JsonObject { ["error"] = "no such refund" }))));
        app.MapGet(BasePath + "/v1/statements/{date}", (HttpContext c, string date) => HandleAsync(c, bank, faults, "statement",
            _ => DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? (200, bank.StatementFor(day))
                : (400, Json(new JsonObject { ["error"] = "date is YYYY-MM-DD" }))));
        // The payer, for a person trying the sandbox: amount in minor units, the reference to quote.
        app.MapPost(BasePath + "/payer/transfer", (HttpContext c) =>
        {
            var form = c.Request.Form;
            if (!long.TryParse(form["amount_minor"], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            {
                return Results.BadRequest("amount_minor (an integer) is required");
            }
            var entry = bank.PayerTransfers(minor, form["currency"].FirstOrDefault() ?? "CNY", form["reference"].FirstOrDefault(), form["remittance"].FirstOrDefault(),
                form["virtual_account"].FirstOrDefault());
            return Results.Ok(new { account_servicer_ref = entry });
        });
        // The payer's bank recalls a booked credit: the bank reverses it and says so in a camt.054.
        app.MapPost(BasePath + "/payer/reverse", (HttpContext c) =>
            bank.Reverse(c.Request.Form["account_servicer_ref"].FirstOrDefault() ?? "") is { } reversal
                ? Results.Ok(new { account_servicer_ref = reversal })
                : Results.NotFound("no booked credit with that account_servicer_ref, or it is already reversed"));
        app.MapLedgerAndFaults(BasePath, () => bank.Ledger, faults);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, BankSimulator bank, FaultInjector faults, string operation, Func<JsonElement, (int Status, string Body)> run)
    {
        var raw = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        if (await FaultGate.EnterAsync(context, faults, operation) is not { } fault)
        {
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        if (bank.Authenticate(authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null) is not { } account)
        {
            context.Response.StatusCode = 401;
            return;
        }
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
                context.Response.StatusCode = 400;
                return;
            }
        }
        var (status, text) = fault.Kind == FaultKind.NativeError ? (500, Json(new JsonObject { ["error"] = fault.NativeError })) : run(body);
        if (FaultGate.LoseResponse(context, fault))
        {
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = text.StartsWith('<') ? "application/xml; charset=utf-8" : "application/json";
        context.Response.Headers[BankSimulator.SignatureHeader] = HmacHeader.Sign(text, account.SigningSecret, bank.Clock.GetUtcNow());
        await context.Response.WriteAsync(FaultGate.Deliver(text, fault), Encoding.UTF8);
    }

    private static string CollectionJson(Collection c) => Json(new JsonObject
    {
        ["reference"] = c.Reference,
        ["virtual_account"] = c.VirtualAccount,
        ["amount"] = c.Amount,
        ["currency"] = c.Currency,
        ["status"] = c.Status,
    });

    private static string Json(JsonObject o) => o.ToJsonString();

    /// <summary>A decimal amount as the bank's API takes it, in minor units (JPY has none).</summary>
    private static long MinorUnits(decimal amount, string currency) => (long)(amount * (currency == "JPY" ? 1 : 100));

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
