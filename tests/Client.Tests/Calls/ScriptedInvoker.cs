using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Paygate.Client.Tests.Calls;

/// <summary>
/// Stands in for the gateway's connection in unit tests: records every unary call the client sends (method, request, headers) and
/// answers each from a script, a response or a gateway-shaped failure.
/// </summary>
public sealed class ScriptedInvoker(Func<int, IMessage, object> answer) : CallInvoker
{
    private readonly List<SentCall> _sent = [];

    /// <summary>Every call sent, in order.</summary>
    public IReadOnlyList<SentCall> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>A failure as the gateway's ErrorInterceptor shapes it: ErrorInfo, and RetryInfo when <paramref name="retryAfter"/> is given.</summary>
    public static RpcException Failure(StatusCode status, string code, TimeSpan? retryAfter = null, params (string Field, string Description)[] violations)
    {
        var rpcStatus = new Google.Rpc.Status { Code = (int)status, Message = $"{code} happened" };
        rpcStatus.Details.Add(Any.Pack(new ErrorInfo { Reason = code, Domain = "paygate", Metadata = { ["channel"] = "card" } }));
        if (violations.Length > 0)
        {
            rpcStatus.Details.Add(Any.Pack(new BadRequest { FieldViolations = { violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }) } }));
        }
        if (retryAfter is { } delay)
        {
            rpcStatus.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
        }
        return rpcStatus.ToRpcException();
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        int number;
        lock (_sent)
        {
            _sent.Add(new SentCall(method.FullName, (IMessage)request, options.Headers ?? [], options.Deadline));
            number = _sent.Count;
        }
        var response = answer(number, (IMessage)request) switch
        {
            RpcException failure => Task.FromException<TResponse>(failure),
            TResponse ok => Task.FromResult(ok),
            var other => throw new InvalidOperationException($"the script answered {other} to {method.FullName}"),
        };
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Grpc.Core.Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("the client makes no blocking calls");

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("streams are covered end to end");

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    /// <summary>One call as the client sent it.</summary>
    public sealed record SentCall(string Method, IMessage Request, Metadata Headers, DateTime? Deadline)
    {
        /// <summary>The request's <c>request_id</c>, or null when it has no such field.</summary>
        public string? RequestId => Request.Descriptor.FindFieldByName("request_id")?.Accessor.GetValue(Request) as string;
    }
}
