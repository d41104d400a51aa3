namespace Paygate.Gateway.Payments;

/// <summary>
/// Told of every change of a payment this process saved, right after it is durable (risk velocity counters, indicators).
/// Called on the saving thread: it must be quick and must not throw.
/// </summary>
public interface IPaymentObserver
{
    /// <param name="payment">The payment as saved.</param>
    /// <param name="before">Its state before the change; null for a new payment.</param>
    /// <param name="eventType">The change's event type.</param>
    void Saved(Payment payment, PaymentState? before, string eventType);
}
