using Paygate.V1;

namespace Paygate.Client.Errors;

/// <summary>
/// A payment was not paid: the gateway answered with the payment FAILED (<see cref="Payment"/> holds it, and it may be paid again
/// with <c>Payments.RetryAsync</c> before it expires), or refused the call with a payer or risk code (PM-1xxx, PM-3xxx).
/// For a payment returned FAILED the call itself succeeded: <see cref="PaygateException.StatusCode"/> is OK and the code, channel and
/// native code are the payment's <c>error</c>.
/// </summary>
public class PaymentFailedException(PaygateError error, Payment? payment = null, string? requestId = null, Exception? innerException = null)
    : PaygateException(error, requestId, innerException)
{
    /// <summary>The payment as the gateway returned it, FAILED with its <c>error</c>; null when the call itself was refused.</summary>
    public Payment? Payment { get; } = payment;
}
