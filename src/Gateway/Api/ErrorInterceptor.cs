using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Api;

/// <summary>
/// Turns every failure of a handler into a <c>google.rpc.Status</c> with an <c>ErrorInfo</c> (reason = PM code,
/// domain <c>paygate</c>), a <c>BadRequest</c> for invalid fields and <c>RetryInfo</c> when retrying may help.
/// Nothing leaves as UNKNOWN.
/// </summary>
public sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public const string Domain = "paygate";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context, request);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context, request);
        }
    }

    private RpcException Translate(Exception ex, ServerCallContext context, object request)
    {
        switch (ex)
        {
            case PaymentException payment:
                return ToRpcException(payment.Code, payment.Message, payment.Violations, payment.Metadata, payment.RetryAfter);
            case StoreUnavailableException store:
                logger.LogError("{Method}: {Error} ({Cause})", context.Method, store.Message, store.InnerException?.Message);
                // A change without a request_id may have happened before the database failed (a card charged, its result not
                // saved): retrying it blindly could do it twice, so that caller is told to look first.
                return IsChangeWithoutRequestId(request, context.Method)
                    ? ToRpcException(ErrorCatalogue.StoreFailedOutcomeUnknown,
                        "the gateway's database failed during the call: whether it took effect is unknown; look the payment up before trying again", [],
                        new Dictionary<string, string>())
                    : ToRpcException(ErrorCatalogue.StoreUnavailable, "the gateway's database is unavailable: retry (with the same request_id)", [],
                        new Dictionary<string, string>(), TimeSpan.FromSeconds(2));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
            // A stream's write that lost the race with its caller going away (grpc-dotnet: "the request is complete").
            case InvalidOperationException or IOException when context.CancellationToken.IsCancellationRequested:
                return ToRpcException(ErrorCatalogue.CallerCanceled, "the call was canceled by the caller", [], new Dictionary<string, string>());
            default:
                logger.LogError(ex, "Unhandled error in {Method}", context.Method);
                return ToRpcException(ErrorCatalogue.GatewayInternal, "internal error", [], new Dictionary<string, string>());
        }
    }

    /// <summary>
    /// A change that cannot be repeated safely: its request has a <c>request_id</c> field left empty, or it is not a read and has
    /// no such field at all (creating a webhook endpoint, a merchant, a key). Reads (Get, List, Watch, Stream, Recommend) are
    /// always safe to repeat.
    /// </summary>
    private static bool IsChangeWithoutRequestId(object request, string method)
    {
        if (request is not Google.Protobuf.IMessage message)
        {
            return false;
        }
        if (message.Descriptor.FindFieldByName("request_id") is { } field)
        {
            return field.Accessor.GetValue(message) is string { Length: 0 };
        }
        var name = method[(method.LastIndexOf('/') + 1)..];
        return !ReadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
    }

    private static readonly string[] ReadPrefixes = ["Get", "List", "Watch", "Stream", "Recommend"];

    public static RpcException ToRpcException(ErrorCode code, string message, IReadOnlyList<FieldViolation> violations, IReadOnlyDictionary<string, string> metadata,
        TimeSpan? retryAfter = null)
    {
        var status = new Google.Rpc.Status { Code = (int)code.Status, Message = message };
        var info = new ErrorInfo { Reason = code.Code, Domain = Domain };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = value;
        }
        status.Details.Add(Any.Pack(info));
        if (violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Reason }));
            status.Details.Add(Any.Pack(badRequest));
        }
        if (code.Decision == ErrorDecision.RetrySame || code.Status == StatusCode.Unavailable)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter ?? (code == ErrorCatalogue.BankInterfaceTimeout ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(1))) }));
        }
        return status.ToRpcException();
    }
}
