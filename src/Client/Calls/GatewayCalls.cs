using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Paygate.Client.Errors;
using Paygate.Client.Retries;
using Polly;

namespace Paygate.Client.Calls;

/// <summary>
/// How every call of the client is made: with the merchant key, a request_id on changes, a deadline per attempt, the retry
/// pipeline for unary calls, and failures turned into <see cref="PaygateException"/>s.
/// </summary>
internal sealed class GatewayCalls(PaygateClientOptions options)
{
    private readonly string _authorization = "Bearer " + options.ApiKey;
    private readonly ResiliencePipeline _pipeline = RetryPipeline.Create(options);

    /// <summary>Sends <paramref name="request"/> through <paramref name="call"/> (a generated client's method), retrying what the gateway marks retryable.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(TRequest request, Func<TRequest, CallOptions, AsyncUnaryCall<TResponse>> call,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        var (sent, requestId) = RequestIds.Ensure(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RetryPipeline.Started, options.TimeProvider.GetTimestamp());
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.call(state.sent, state.self.Options(ctx.CancellationToken, state.self.Deadline(ctx))).ResponseAsync.ConfigureAwait(false),
                context, (call, sent, self: this)).ConfigureAwait(false);
        }
        catch (RpcException failure)
        {
            throw Translate(failure, requestId, cancellationToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Reads a server stream until it ends or the caller stops; a failure of the stream is thrown as a <see cref="PaygateException"/>.</summary>
    public async IAsyncEnumerable<TResponse> StreamAsync<TResponse>(Func<CallOptions, AsyncServerStreamingCall<TResponse>> call,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stream = call(Options(cancellationToken, deadline: null));
        while (true)
        {
            bool more;
            try
            {
                more = await stream.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException failure)
            {
                throw Translate(failure, null, cancellationToken);
            }
            if (!more)
            {
                yield break;
            }
            yield return stream.ResponseStream.Current;
        }
    }

    // Headers of its own for each attempt: an interceptor of the caller's may add to them.
    private CallOptions Options(CancellationToken cancellationToken, DateTime? deadline) =>
        new(new Metadata { { "authorization", _authorization } }, deadline, cancellationToken);

    /// <summary>The attempt's deadline: its own timeout, or what is left of the call's budget if that is less.</summary>
    private DateTime Deadline(ResilienceContext context)
    {
        var left = options.RetryBudget - options.TimeProvider.GetElapsedTime(context.Properties.GetValue(RetryPipeline.Started, options.TimeProvider.GetTimestamp()));
        return (options.TimeProvider.GetUtcNow() + (left < options.AttemptTimeout ? left : options.AttemptTimeout)).UtcDateTime;
    }

    private static Exception Translate(RpcException failure, string? requestId, CancellationToken cancellationToken) =>
        failure.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested
            ? new OperationCanceledException("the call was canceled", failure, cancellationToken)
            : PaygateErrors.ToException(failure, requestId);
}
