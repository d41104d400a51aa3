using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Paygate.Client.Tests.EndToEnd;

/// <summary>Sits between the client and the real connection and notes every unary call that went out: its request_id and how it ended.</summary>
public sealed class CallRecorder : Interceptor
{
    private readonly ConcurrentQueue<Recorded> _calls = new();

    public IReadOnlyCollection<Recorded> Calls => _calls;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        var requestId = request is IMessage message ? message.Descriptor.FindFieldByName("request_id")?.Accessor.GetValue(message) as string : null;
        return new AsyncUnaryCall<TResponse>(RecordAsync(call.ResponseAsync, context.Method.Name, requestId), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private async Task<TResponse> RecordAsync<TResponse>(Task<TResponse> response, string method, string? requestId)
    {
        try
        {
            var answer = await response;
            _calls.Enqueue(new Recorded(method, requestId, StatusCode.OK, ""));
            return answer;
        }
        catch (RpcException failure)
        {
            _calls.Enqueue(new Recorded(method, requestId, failure.StatusCode, failure.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? ""));
            throw;
        }
    }

    /// <summary>One attempt as it went over the wire.</summary>
    public sealed record Recorded(string Method, string? RequestId, StatusCode Status, string Code);
}
