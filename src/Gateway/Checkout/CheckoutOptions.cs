namespace Paygate.Gateway.Checkout;

/// <summary>The hosted checkout page's settings (section <c>Checkout</c>).</summary>
public sealed class CheckoutOptions
{
    public const string Section = "Checkout";

    /// <summary>
    /// The address payers reach the gateway's HTTP/1.1 port at (e.g. <c>https://pay.example.com</c>); <c>/checkout/...</c>
    /// is appended. Empty: <c>Paygate:NotifyBaseUrl</c>, the same port as the networks' notifications.
    /// </summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>How long after the payment's expire_time its page link still opens (to show how the payment ended).</summary>
    public TimeSpan LinkGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many attempts a payment may have in all before its page stops offering to pay again: a link that leaks must not
    /// become a way to try stolen card numbers one after another until one passes.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long the page waits on a succeeded payment before sending the payer to its return URL.</summary>
    public TimeSpan ReturnDelay { get; set; } = TimeSpan.FromSeconds(2);
}
