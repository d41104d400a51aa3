using Grpc.Core;
using Paygate.Client.Errors;
using Polly;
using Polly.Retry;

namespace Paygate.Client.Retries;

/// <summary>The Polly pipeline a unary call runs in: a retry that waits what <see cref="RetryAdvice"/> says, and nothing else.</summary>
internal static class RetryPipeline
{
    /// <summary>When the call's first attempt started (a <see cref="TimeProvider"/> timestamp), for the time budget.</summary>
    public static readonly ResiliencePropertyKey<long> Started = new("paygate.started");

    public static ResiliencePipeline Create(PaygateClientOptions options)
    {
        if (options.MaxAttempts == 1)
        {
            return ResiliencePipeline.Empty;
        }
        return new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.Zero,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(Delay(args.Outcome, args.Context, args.AttemptNumber, options) is not null),
                DelayGenerator = args => ValueTask.FromResult(Delay(args.Outcome, args.Context, args.AttemptNumber, options)),
            })
            .Build();
    }

    private static TimeSpan? Delay(Outcome<object> outcome, ResilienceContext context, int attemptNumber, PaygateClientOptions options)
    {
        if (outcome.Exception is not RpcException failure || context.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
        var elapsed = options.TimeProvider.GetElapsedTime(context.Properties.GetValue(Started, options.TimeProvider.GetTimestamp()));
        return RetryAdvice.Delay(attemptNumber + 1, elapsed, PaygateErrors.Read(failure).RetryAfter, options);
    }
}
