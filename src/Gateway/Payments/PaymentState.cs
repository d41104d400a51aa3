namespace Paygate.Gateway.Payments;

/// <summary>A payment's lifecycle state (AIP-216); the same names as the API's <c>Payment.State</c>.</summary>
public enum PaymentState
{
    Processing = 1,
    RequiresAction = 2,
    Succeeded = 3,
    Failed = 4,
    Canceled = 5,
    Expired = 6,
    /// <summary>Above its group sub-account's approval threshold: waits for the approvers in order; no channel called yet.</summary>
    AwaitingApproval = 7,
}

/// <summary>One attempt's state; the same names as the API's <c>Attempt.State</c>.</summary>
public enum AttemptState
{
    Pending = 1,
    RequiresAction = 2,
    Succeeded = 3,
    Declined = 4,
    Failed = 5,
    Unknown = 6,
    Closed = 7,
}

public static class PaymentStateRules
{
    private static readonly Dictionary<PaymentState, PaymentState[]> Allowed = new()
    {
        [PaymentState.Processing] = [PaymentState.RequiresAction, PaymentState.Succeeded, PaymentState.Failed, PaymentState.Canceled, PaymentState.Expired],
        [PaymentState.RequiresAction] = [PaymentState.Processing, PaymentState.Succeeded, PaymentState.Failed, PaymentState.Canceled, PaymentState.Expired],
        // A failed payment can still be paid late on its order, or paid again (which risk control may challenge), until it expires.
        [PaymentState.Failed] = [PaymentState.Processing, PaymentState.RequiresAction, PaymentState.Succeeded, PaymentState.Canceled, PaymentState.Expired],
        [PaymentState.Succeeded] = [],
        [PaymentState.Canceled] = [],
        [PaymentState.Expired] = [],
        // Approved: on to routing; rejected: failed; or canceled, or expired unapproved.
        [PaymentState.AwaitingApproval] = [PaymentState.Processing, PaymentState.Failed, PaymentState.Canceled, PaymentState.Expired],
    };

    public static bool CanMove(PaymentState from, PaymentState to) => Allowed[from].Contains(to);

    public static bool IsFinal(this PaymentState state) => Allowed[state].Length == 0;

    /// <summary>An attempt whose order may still be paid at the channel, so it must be closed before the payment ends.</summary>
    public static bool IsOpen(this AttemptState state) => state is AttemptState.Pending or AttemptState.RequiresAction or AttemptState.Unknown;
}
