using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Paygate.Adapters.Http;

/// <summary>Which failures of one request the HTTP layer may answer by sending it again: the adapter, which knows the call, says.</summary>
internal enum HttpRetry
{
    /// <summary>Sent once (order creation, refunds, closes): whether to send it again is the channel pipeline's call, from the network's answer.</summary>
    Never = 0,

    /// <summary>A read (a query, a statement pull): any transient failure (5xx, 408, 429, transport error, attempt timeout) is retried.</summary>
    Transient,

    /// <summary>A read at a bank interface: as <see cref="Transient"/>, but never after a timeout, which obliges the caller to pause (PM-2003).</summary>
    TransientExceptTimeout,
}

/// <summary>
/// The one way an adapter's <see cref="HttpClient"/> is registered: a named client from <see cref="IHttpClientFactory"/> with a
/// Microsoft.Extensions.Http.Resilience handler (retry of requests marked safe to repeat, a circuit per network host, a timeout
/// per attempt) configured by <see cref="ChannelHttpOptions"/>. What its refusals mean for a payment, <see cref="ChannelHttp"/> says.
/// </summary>
internal static class ChannelHttpClient
{
    private static readonly HttpRequestOptionsKey<HttpRetry> RetryKey = new("paygate.http-retry");

    /// <summary>Marks <paramref name="request"/> as safe for the HTTP layer to send again on the failures <paramref name="retry"/> names.</summary>
    public static HttpRequestMessage WithRetry(this HttpRequestMessage request, HttpRetry retry)
    {
        request.Options.Set(RetryKey, retry);
        return request;
    }

    /// <summary>Registers the named client <paramref name="clientName"/> of channel <paramref name="channelId"/> with its resilience handler.</summary>
    public static IServiceCollection AddChannelHttpClient(this IServiceCollection services, string clientName, string channelId)
    {
        services.AddOptions<ChannelHttpOptions>(channelId)
            .Configure<IConfiguration>((options, config) =>
            {
                config.GetSection($"{ChannelHttpOptions.Section}:Defaults").Bind(options);
                config.GetSection($"{ChannelHttpOptions.Section}:Channels:{channelId}").Bind(options);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The channel's own TimeoutSeconds bounds each call, retries included; HttpClient's 100 s default would only cut it short.
        services.AddHttpClient(clientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(clientName, (builder, context) =>
            {
                context.EnableReloads<ChannelHttpOptions>(channelId);
                Build(builder, context.GetOptions<ChannelHttpOptions>(channelId));
            })
            .SelectPipelineByAuthority();
        return services;
    }

    private static void Build(ResiliencePipelineBuilder<HttpResponseMessage> builder, ChannelHttpOptions options)
    {
        // Transport time, like the deadline ChannelHttp sets: a fixed clock that pins request signatures must not stop it.
        builder.TimeProvider = TimeProvider.System;
        // Polly refuses a retry strategy of zero retries; MaxRetries = 0 means none.
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(MayRetry(args.Context, args.Outcome)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // Our delays, not the network's Retry-After: a long one would only spend the call's deadline waiting.
                ShouldRetryAfterHeader = false,
            });
        }
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
    }

    private static bool MayRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var retry = context.GetRequestMessage() is { } request && request.Options.TryGetValue(RetryKey, out var marked) ? marked : HttpRetry.Never;
        return retry switch
        {
            HttpRetry.Transient => HttpClientResiliencePredicates.IsTransient(outcome),
            HttpRetry.TransientExceptTimeout => outcome.Exception is not TimeoutRejectedException
                && HttpClientResiliencePredicates.IsTransient(outcome),
            _ => false,
        };
    }
}
