using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Observability;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Paygate.Gateway.Resilience;

/// <summary>
/// Every call the gateway makes to a channel goes through here: a Polly v8 pipeline per channel (concurrency limit,
/// retry of RETRY_SAME answers with exponential backoff and jitter, circuit breaker, attempt timeout), bounded by the
/// caller's deadline, with the outcome recorded for routing. Failures of the pipeline itself become channel results
/// with the right certainty: refused before sending (Failed) or cut off after (Unknown).
/// </summary>
public sealed partial class ChannelCalls(IOptions<ResilienceOptions> options, ChannelHealth health, TimeProvider clock, ILogger<ChannelCalls> logger)
{
    // Lazy: GetOrAdd may run its factory twice under contention, and a circuit's state provider can serve one pipeline only.
    private readonly ConcurrentDictionary<string, Lazy<ResiliencePipeline<ChannelResult>>> _pipelines = new(StringComparer.Ordinal);
    // After a bank interface timed out (PM-2003), no call reaches that bank again before its retry delay has passed.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _bankQuietUntil = new(StringComparer.Ordinal);

    public Task<ChannelResult> CreateAsync(IPaymentChannel channel, ChannelPaymentRequest request, DateTimeOffset? deadline) =>
        RunAsync(channel, "create", request.Reference, token => channel.CreateAsync(request, token), deadline);

    /// <summary>
    /// Asks about an order. Only the network's own word about the order may say it failed (no such order, closed,
    /// declined); a query that could not be made or was refused (channel down, circuit open, bad credentials)
    /// teaches nothing about the order, so it comes back Unknown.
    /// </summary>
    public async Task<ChannelResult> QueryAsync(IPaymentChannel channel, ChannelOrder order, DateTimeOffset? deadline = null)
    {
        var result = await RunAsync(channel, "query", order.Reference, token => channel.QueryAsync(order, token), deadline);
        return result.Outcome == ChannelOutcome.Failed && result.Error != ErrorCatalogue.ChannelOrderNotFound && result.Error != ErrorCatalogue.TradeClosed
            ? result with { Outcome = ChannelOutcome.Unknown, Error = ErrorCatalogue.OutcomeUnknown }
            : result;
    }

    public Task<ChannelResult> CloseAsync(IPaymentChannel channel, ChannelOrder order, DateTimeOffset? deadline = null) =>
        RunAsync(channel, "close", order.Reference, token => channel.CloseAsync(order, token), deadline);

    /// <summary>Sends an order's authorisation again with the payer's completed authentication (3-D Secure).</summary>
    public Task<ChannelResult> AuthorizeAuthenticatedAsync(IPaymentChannel channel, IPayerAuthenticationChannel authenticating, ChannelOrder order, string authenticationId,
        DateTimeOffset? deadline = null) =>
        RunAsync(channel, "authorize-authenticated", order.Reference, token => authenticating.AuthorizeAuthenticatedAsync(order, authenticationId, token), deadline);

    public Task<ChannelResult> RefundAsync(IPaymentChannel channel, ChannelRefundRequest request, DateTimeOffset? deadline = null) =>
        RunAsync(channel, "refund", request.RefundReference, token => channel.RefundAsync(request, token), deadline);

    public Task<ChannelResult> QueryRefundAsync(IPaymentChannel channel, ChannelRefundRequest request, DateTimeOffset? deadline = null) =>
        RunAsync(channel, "refund-query", request.RefundReference, token => channel.QueryRefundAsync(request, token), deadline);

    /// <summary>The call inside its span, measured: every channel call, whatever became of it, is recorded once here.</summary>
    private async Task<ChannelResult> RunAsync(IPaymentChannel channel, string operation, string reference, Func<CancellationToken, Task<ChannelResult>> call,
        DateTimeOffset? deadline)
    {
        using var span = ChannelCallTelemetry.Start(channel.Id, operation, reference);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await CallAsync(channel, operation, call, deadline);
            ChannelCallTelemetry.Record(span, channel.Id, operation, result, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex)
        {
            ChannelCallTelemetry.Failed(span, ex);
            throw;
        }
    }

    private async Task<ChannelResult> CallAsync(IPaymentChannel channel, string operation, Func<CancellationToken, Task<ChannelResult>> call, DateTimeOffset? deadline)
    {
        var pipeline = _pipelines.GetOrAdd(channel.Id, id => new Lazy<ResiliencePipeline<ChannelResult>>(() => Build(id))).Value;
        if (_bankQuietUntil.TryGetValue(channel.Id, out var quietUntil) && clock.GetUtcNow() < quietUntil)
        {
            return ChannelResult.Unknown(ErrorCatalogue.BankInterfaceTimeout, "BANK_QUIET",
                $"the {channel.Id} bank interface timed out; not called again before {quietUntil:O}");
        }
        using var bound = new CancellationTokenSource();
        if (deadline is { } d)
        {
            var left = d - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                // Nothing was sent: like a call our own limit held back, it fails nothing (the recovery worker takes it up).
                return NotSent(channel.Id, $"the caller's deadline passed before the call to {channel.Id}; not called");
            }
            bound.CancelAfter(left);
        }
        var started = Stopwatch.GetTimestamp();
        var attempt = new CallState(call);
        ChannelResult result;
        try
        {
            result = await pipeline.ExecuteAsync(static async (state, token) => await state.SendAsync(token), attempt, bound.Token);
        }
        catch (BrokenCircuitException)
        {
            result = new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = "CIRCUIT_OPEN", NativeMessage = $"{channel.Id} circuit is open; not called" };
        }
        catch (RateLimiterRejectedException)
        {
            // Our own limit, not the network's (PM-4001 is the network's): nothing was sent and the channel is not to blame.
            return NotSent(channel.Id, $"the queue for {channel.Id} is full; not called");
        }
        catch (TimeoutRejectedException)
        {
            result = ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "ATTEMPT_TIMEOUT", "the call outlived its attempt timeout");
        }
        catch (OperationCanceledException) when (!attempt.Sent)
        {
            // The deadline passed while the call waited for a slot: it never left, so its outcome is certain.
            return NotSent(channel.Id, $"the caller's deadline passed while the call waited for a slot to {channel.Id}; not called");
        }
        catch (OperationCanceledException)
        {
            result = ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "DEADLINE", "the caller's deadline cut the call short");
        }
        health.Record(channel.Id, !IsChannelFault(result), Stopwatch.GetElapsedTime(started));
        if (result.Error == ErrorCatalogue.BankInterfaceTimeout)
        {
            _bankQuietUntil[channel.Id] = clock.GetUtcNow() + options.Value.For(channel.Id).RetryDelay;
        }
        if (result.Outcome is ChannelOutcome.Unknown or ChannelOutcome.Failed)
        {
            CallNotDone(logger, channel.Id, operation, result.Outcome, result.Error?.Code, result.NativeCode);
        }
        return result;
    }

    /// <summary>
    /// Asks the channel about an order that does not exist, through the channel's own pipeline: a harmless trial call that lets
    /// an open circuit past its break duration move to half-open and, on a proper answer ("no such order" is one), close.
    /// </summary>
    public Task<ChannelResult> ProbeAsync(IPaymentChannel channel)
    {
        var now = clock.GetUtcNow();
        // Letters and digits, 29 characters: a valid order number on every network, and never one of ours (those are base32 ids).
        var reference = "PROBE" + Guid.NewGuid().ToString("N")[..24].ToUpperInvariant();
        return QueryAsync(channel, new ChannelOrder(reference, now, now), now + options.Value.For(channel.Id).AttemptTimeout);
    }

    /// <summary>
    /// Whether an answer counts against the channel's health: unknown outcomes and channel-side failures do;
    /// payer declines, pending orders and "no such order" answers do not. (A call the gateway held back is never recorded
    /// against the channel; it says nothing about the order either, so it counts as a fault here.)
    /// </summary>
    public static bool IsChannelFault(ChannelResult result) => result.Outcome switch
    {
        ChannelOutcome.Unknown => true,
        ChannelOutcome.Failed => result.Error != ErrorCatalogue.ChannelOrderNotFound && result.Error != ErrorCatalogue.TradeClosed
            && result.Error != ErrorCatalogue.CallerCanceled,
        _ => false,
    };

    /// <summary>
    /// The gateway held the call back (its own concurrency limit or the caller's deadline while waiting for a slot): it never
    /// reached the network, so it says nothing about the order or the channel, and must not fail a payment.
    /// </summary>
    public static bool IsNotSent(ChannelResult result) => result.Error == ErrorCatalogue.GatewayOverloaded;

    private static ChannelResult NotSent(string channelId, string why) =>
        new() { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.GatewayOverloaded, NativeCode = "LOCAL_LIMIT", NativeMessage = why };

    /// <summary>Whether the call got past the concurrency limit, i.e. may have reached the network.</summary>
    private sealed class CallState(Func<CancellationToken, Task<ChannelResult>> call)
    {
        public bool Sent { get; private set; }

        public Task<ChannelResult> SendAsync(CancellationToken token)
        {
            Sent = true;
            return call(token);
        }
    }

    private ResiliencePipeline<ChannelResult> Build(string channelId)
    {
        var o = options.Value.For(channelId);
        var builder = new ResiliencePipelineBuilder<ChannelResult> { TimeProvider = clock }
            // Calls over the limit wait their turn (within the caller's deadline) rather than fail: the limit is ours, not the network's.
            .AddRateLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = o.MaxConcurrency,
                QueueLimit = o.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        // Polly refuses a retry strategy of zero retries; MaxRetries = 0 means none.
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<ChannelResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Outcome: ChannelOutcome.Failed, Error.Decision: ErrorDecision.RetrySame }),
                MaxRetryAttempts = o.MaxRetries,
                Delay = o.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ChannelResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null and not OperationCanceledException
                    || (args.Outcome.Result is { } r && IsChannelFault(r))),
                FailureRatio = o.FailureRatio,
                MinimumThroughput = o.MinimumThroughput,
                SamplingDuration = o.SamplingDuration,
                BreakDuration = o.BreakDuration,
                StateProvider = health.CircuitFor(channelId),
                OnOpened = args =>
                {
                    health.Opened(channelId, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(o.AttemptTimeout)
            .Build();
    }

    /// <summary>A call that failed or whose outcome is unknown: Debug, as an outage repeats it for every payment (health and circuits report it).</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Channel} {Operation}: {Outcome} {Code} ({Native})")]
    private static partial void CallNotDone(ILogger logger, string channel, string operation, ChannelOutcome outcome, string? code, string native);
}
