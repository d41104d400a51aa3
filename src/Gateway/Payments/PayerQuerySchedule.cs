namespace Paygate.Gateway.Payments;

/// <summary>
/// When the gateway asks a channel about a payment that waits for the payer (a QR code shown, not yet paid):
/// at fixed points after its attempt was created (<see cref="PaymentOptions.AwaitingPayerSchedule"/>).
/// </summary>
public static class PayerQuerySchedule
{
    /// <summary>
    /// The payment shows a QR code for its current attempt, or sends the payer to a page of the network's (a card issuer's
    /// challenge), and nothing has been heard of the payer finishing.
    /// </summary>
    public static bool AwaitsPayer(Payment payment) =>
        payment.State == PaymentState.RequiresAction
        && payment.CurrentAttempt is { State: AttemptState.RequiresAction }
        && payment.NextAction is { QrCode: not null } or { RedirectUrl: not null, RedirectForm: null, Transfer: null };

    /// <summary>The first point of the schedule after <paramref name="after"/>, or null when the schedule is over or the payment does not wait.</summary>
    public static DateTimeOffset? Next(Payment payment, IReadOnlyList<TimeSpan> schedule, DateTimeOffset after)
    {
        if (payment is { State: PaymentState.RequiresAction, Challenge: { } challenge })
        {
            // A risk challenge is looked at once, when its code lapses: then it fails unless the payer answered.
            return challenge.ExpireTime;
        }
        if (!AwaitsPayer(payment))
        {
            return null;
        }
        var since = payment.CurrentAttempt!.CreateTime;
        foreach (var point in schedule)
        {
            if (since + point > after)
            {
                return since + point;
            }
        }
        return null;
    }
}
