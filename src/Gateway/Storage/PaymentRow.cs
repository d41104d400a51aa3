using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>
/// A payment's row as every store writes it, prepared before the write (serialised once, for the row and its event): the
/// body, and what is kept beside it so that the workers' queries find the payment by index. The parameter names carry the
/// store's prefix (<c>$</c> for SQLite, none for Npgsql's <c>@</c> names).
/// </summary>
internal sealed class PaymentRow
{
    public PaymentRow(Payment payment, long version, IReadOnlyList<TimeSpan> payerQueries, string prefix)
    {
        Body = PaymentJson.Serialize(payment);
        // A payment waiting for its payer is first asked about at the schedule's next point after this change (0: not at all).
        var payerQueryTime = PayerQuerySchedule.Next(payment, payerQueries, payment.UpdateTime)?.ToUnixTimeMilliseconds() ?? 0;
        Parameters =
        [
            (prefix + "id", payment.Id), (prefix + "state", (int)payment.State), (prefix + "ct", payment.CreateTime.ToUnixTimeMilliseconds()),
            (prefix + "ut", payment.UpdateTime.ToUnixTimeMilliseconds()), (prefix + "et", payment.ExpireTime.ToUnixTimeMilliseconds()),
            (prefix + "open", OpenAttempt(payment)), (prefix + "refund", PendingRefund(payment)),
            (prefix + "version", version), (prefix + "body", Body), (prefix + "payer", payerQueryTime),
        ];
    }

    public string Body { get; }

    public (string, object?)[] Parameters { get; }

    /// <summary>2: an attempt's outcome is unknown (query it); 1: a call is in flight (query it if it stays so); 0: neither.</summary>
    private static int OpenAttempt(Payment payment) =>
        payment.Attempts.Any(a => a.State == AttemptState.Unknown) ? 2
        : payment.Attempts.Any(a => a.State == AttemptState.Pending) ? 1
        : 0;

    /// <summary>1 while an attempt's duplicate success waits for its automatic refund or a merchant refund is pending.</summary>
    private static int PendingRefund(Payment payment) =>
        payment.Attempts.Any(a => a.DuplicateRefund is { Done: false }) || payment.Refunds.Any(r => r.State == RefundState.Pending) ? 1 : 0;
}
