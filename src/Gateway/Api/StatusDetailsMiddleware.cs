using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Paygate.Adapters.Errors;

namespace Paygate.Gateway.Api;

/// <summary>
/// A safety net for errors the gRPC framework raises before any handler runs (a message over the size limit,
/// an unknown method): their trailers-only responses get the same <c>google.rpc.Status</c> with an ErrorInfo
/// that handler errors carry.
/// </summary>
public sealed class StatusDetailsMiddleware(RequestDelegate next)
{
    private const string StatusHeader = "grpc-status";
    private const string DetailsHeader = "grpc-status-details-bin";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            context.Response.OnStarting(() =>
            {
                AddDetails(context.Response.Headers);
                return Task.CompletedTask;
            });
        }
        return next(context);
    }

    private static void AddDetails(IHeaderDictionary headers)
    {
        if (!headers.TryGetValue(StatusHeader, out var value) || !int.TryParse(value, out var code) || code == 0 || headers.ContainsKey(DetailsHeader))
        {
            return;
        }
        var error = (StatusCode)code switch
        {
            StatusCode.ResourceExhausted => ErrorCatalogue.RequestTooLarge,
            StatusCode.InvalidArgument => ErrorCatalogue.InvalidArgument,
            StatusCode.Cancelled or StatusCode.DeadlineExceeded => ErrorCatalogue.CallerCanceled,
            _ => ErrorCatalogue.GatewayInternal,
        };
        var message = headers.TryGetValue("grpc-message", out var m) ? Uri.UnescapeDataString(m.ToString()) : error.Meaning;
        var status = new Google.Rpc.Status { Code = code, Message = message };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = error.Code, Domain = ErrorInterceptor.Domain }));
        headers[DetailsHeader] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }
}
