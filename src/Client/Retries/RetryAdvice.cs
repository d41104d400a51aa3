namespace Paygate.Client.Retries;

/// <summary>
/// Whether, and after how long, the client tries a failed call again: only when the gateway sent a <c>RetryInfo</c> (it marks what is
/// safe to repeat), never sooner than its delay, and only within the attempts and the time budget of <see cref="PaygateClientOptions"/>.
/// </summary>
internal static class RetryAdvice
{
    /// <summary>The wait before the next attempt, or null to give up and throw.</summary>
    /// <param name="attemptsMade">Attempts sent so far, the failed one included.</param>
    /// <param name="elapsed">Time since the first attempt started.</param>
    /// <param name="serverDelay">The <c>RetryInfo</c> delay of the failure; null when it had none.</param>
    /// <param name="options">The client's limits.</param>
    public static TimeSpan? Delay(int attemptsMade, TimeSpan elapsed, TimeSpan? serverDelay, PaygateClientOptions options)
    {
        if (serverDelay is not { } delay || attemptsMade >= options.MaxAttempts || delay > options.MaxRetryDelay)
        {
            return null;
        }
        return elapsed + delay < options.RetryBudget ? delay : null;
    }
}
