using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>What a store keeps beside a payment's body so that its workers' queries find it by index (the same in every store).</summary>
internal static class PaymentRowMarkers
{
    /// <summary>2: an attempt's outcome is unknown (query it); 1: a call is in flight (query it if it stays so); 0: neither.</summary>
    public static int OpenAttempt(Payment payment) =>
        payment.Attempts.Any(a => a.State == AttemptState.Unknown) ? 2
        : payment.Attempts.Any(a => a.State == AttemptState.Pending) ? 1
        : 0;

    /// <summary>1 while an attempt's duplicate success waits for its automatic refund or a merchant refund is pending.</summary>
    public static int PendingRefund(Payment payment) =>
        payment.Attempts.Any(a => a.DuplicateRefund is { Done: false }) || payment.Refunds.Any(r => r.State == RefundState.Pending) ? 1 : 0;
}
