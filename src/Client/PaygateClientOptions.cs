using Paygate.Client.Calls;

namespace Paygate.Client;

/// <summary>How a <see cref="PaygateClient"/> reaches the gateway, who it is, and how long and how often it may try a call.</summary>
public sealed class PaygateClientOptions
{
    /// <summary>The gateway's gRPC address, e.g. <c>https://pay.example.com</c> (or <c>http://127.0.0.1:5000</c> for a local sandbox).</summary>
    public Uri? Address { get; set; }

    /// <summary>The merchant's secret key, <c>sk_test_...</c> or <c>sk_live_...</c>; sent as <c>authorization: Bearer</c> and never shown in errors.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>How many times a call is sent at most, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// The longest the client waits before one retry. A gateway that asks for a longer wait (its <c>RetryInfo</c>) is not
    /// retried sooner: its error is thrown, with <see cref="Errors.PaygateException.RetryAfter"/> telling when to try again.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The time one unary call may take in all, its retries and their waits included: no retry is waited for past it, and an attempt's
    /// deadline is at most what is left of it.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The deadline of each attempt of a unary call (streams have none: they last as long as the caller reads). An attempt cut off by
    /// it is an <see cref="Errors.OutcomeUnknownException"/>: repeat it with its request_id, or look the payment up.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock the retry waits and webhook timestamps are measured with.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work (the key itself is never in the message).</summary>
    public void Validate() => Validate(addressRequired: true);

    internal void Validate(bool addressRequired)
    {
        if (addressRequired && Address is null)
        {
            throw new ArgumentException("Address is required: the gateway's http:// or https:// URI", nameof(Address));
        }
        if (Address is not null && (!Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("Address must be an absolute http:// or https:// URI of the gateway", nameof(Address));
        }
        if (!ApiKeyFormat.IsMerchantKey(ApiKey))
        {
            throw new ArgumentException("ApiKey must be a merchant secret key (sk_test_... or sk_live_...) without spaces", nameof(ApiKey));
        }
        if (MaxAttempts < 1)
        {
            throw new ArgumentException("MaxAttempts must be at least 1", nameof(MaxAttempts));
        }
        if (MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("MaxRetryDelay must not be negative", nameof(MaxRetryDelay));
        }
        if (RetryBudget <= TimeSpan.Zero)
        {
            throw new ArgumentException("RetryBudget must be positive", nameof(RetryBudget));
        }
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("AttemptTimeout must be positive", nameof(AttemptTimeout));
        }
    }
}
