using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Api;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Reports;

/// <summary>
/// <c>GET /v1/groups/{group}/bill.csv?month=YYYY-MM</c> (or <c>from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c>): a group's bill as CSV of any
/// size, streamed as the store is read. A plain HTTP endpoint (a download, not a gRPC call) with the merchant's key in
/// <c>authorization: Bearer sk_...</c>, checked and rate-limited as the API's calls are; refusals before the first row are the
/// same JSON <c>google.rpc.Status</c> the REST API answers with.
/// </summary>
public static class BillCsvEndpoint
{
    public const string Route = "/v1/groups/{group}/bill.csv";

    public static IEndpointRouteBuilder MapBillCsv(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, ServeAsync);
        return app;
    }

    private static async Task ServeAsync(HttpContext context, string group, ApiKeyAuthenticator authenticator, CallerRateLimits limits, ConsolidatedBills bills,
        ReportPayments payments, IOptions<ReportOptions> options)
    {
        ReportPeriod period;
        string merchantId;
        try
        {
            var (caller, limit) = await authenticator.AuthenticateAsync(context.Request.Headers.Authorization.ToString(), context.RequestAborted);
            if (caller.Role != KeyRole.Merchant)
            {
                throw new PaymentException(ErrorCatalogue.PermissionDenied, "bills are the merchant API: call it with a merchant key");
            }
            limits.Admit(caller, limit);
            merchantId = caller.Merchant;
            var query = context.Request.Query;
            period = bills.Period(query["month"].ToString(), query["from"].ToString(), query["to"].ToString());
            await payments.EnsureGroupAsync(merchantId, group, context.RequestAborted);
        }
        catch (PaymentException refusal)
        {
            await RefuseAsync(context.Response, refusal);
            return;
        }
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"bill-{group}.csv\"";
        context.Response.Headers.CacheControl = "no-store";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await BillCsv.WriteAsync(writer, bills.LinesAsync(merchantId, group, period, context.RequestAborted), options.Value.UtcOffset, options.Value.ReadPageSize,
            context.RequestAborted);
    }

    /// <summary>The refusal as the REST API writes statuses: the HTTP status of its gRPC code, the status as JSON.</summary>
    private static async Task RefuseAsync(HttpResponse response, PaymentException refusal)
    {
        var exception = ErrorInterceptor.ToRpcException(refusal.Code, refusal.Message, refusal.Violations, refusal.Metadata, refusal.RetryAfter);
        var status = Google.Rpc.Status.Parser.ParseFrom(exception.Trailers.GetValueBytes("grpc-status-details-bin")!);
        response.StatusCode = refusal.Code.Status switch
        {
            StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
        if (refusal.RetryAfter is { } after)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(RestApi.StatusFormatter.Format(status));
    }
}
