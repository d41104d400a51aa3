using Grpc.Core;
using Grpc.Core.Interceptors;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Api;

/// <summary>
/// Who may call what: the merchant API (PaymentService, WebhookService) takes merchant keys, the operators' APIs
/// (ChannelService, AdminService) operator keys, health and reflection are open; any other method needs an operator.
/// DisputeService takes both: a merchant acts on its own disputes, an operator on any.
/// The caller is authenticated, checked against the method's role, charged a token of its rate limit, and kept in the
/// call's state for the handler (<see cref="CallerContext.Caller"/>).
/// </summary>
public sealed class CallerInterceptor(ApiKeyAuthenticator authenticator, CallerRateLimits limits) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await IdentifyAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await IdentifyAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await IdentifyAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await IdentifyAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    /// <summary>The role a method needs, or null for the open ones.</summary>
    public static KeyRole? RequiredRole(string method) => Service(method) switch
    {
        "grpc.health.v1.Health" or "grpc.reflection.v1alpha.ServerReflection" or "grpc.reflection.v1.ServerReflection" => null,
        "paygate.v1.PaymentService" or "paygate.v1.WebhookService" or "paygate.v1.DisputeService" or "paygate.v1.GroupService" or "paygate.v1.ReportService" => KeyRole.Merchant,
        _ => KeyRole.Operator,
    };

    /// <summary>Merchant APIs that operators may call too (seeing every merchant's resources): the disputes.</summary>
    public static bool OperatorsToo(string method) => Service(method) == "paygate.v1.DisputeService";

    private static string Service(string method)
    {
        var slash = method.IndexOf('/', 1);
        return slash > 1 ? method[1..slash] : method;
    }

    private async Task IdentifyAsync(ServerCallContext context)
    {
        if (RequiredRole(context.Method) is not { } role)
        {
            return;
        }
        Caller caller;
        RateLimit? limit;
        try
        {
            (caller, limit) = await authenticator.AuthenticateAsync(context.RequestHeaders.GetValue("authorization"), context.CancellationToken);
        }
        catch (PaymentException refusal) when (refusal.Code == ErrorCatalogue.Unauthenticated)
        {
            throw limits.Refused(refusal, ClientAddress(context));
        }
        if (caller.Role != role && !(caller.Role == KeyRole.Operator && OperatorsToo(context.Method)))
        {
            throw new PaymentException(ErrorCatalogue.PermissionDenied, role == KeyRole.Operator
                ? $"{Service(context.Method)} is for operators: call it with an operator key"
                : $"{Service(context.Method)} is the merchant API: call it with a merchant key");
        }
        limits.Admit(caller, limit);
        context.UserState[CallerContext.Key] = caller;
    }

    /// <summary>The client's address without its port (a client opens connections from many ports).</summary>
    private static string ClientAddress(ServerCallContext context) =>
        context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? context.Peer;
}

/// <summary>The authenticated caller of a gRPC call.</summary>
public static class CallerContext
{
    internal static readonly object Key = new();

    public static Caller Caller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var caller) ? (Caller)caller : throw new InvalidOperationException("the call was not authenticated");

    /// <summary>The merchant the call is scoped to.</summary>
    public static string MerchantId(this ServerCallContext context) => context.Caller().Merchant;
}
