namespace Paygate.Adapters.Contract;

/// <summary>The stage of a card dispute as the acquirer reports it.</summary>
public enum ChannelDisputeStage
{
    /// <summary>A retrieval request: the issuer asks for the sale's details (no money moved yet).</summary>
    Inquiry = 1,
    /// <summary>The first chargeback, with the network's reason code and a deadline to respond.</summary>
    Chargeback = 2,
    /// <summary>Pre-arbitration: the issuer disputes again after the merchant's response.</summary>
    PreArbitration = 3,
}

/// <summary>A dispute notice from a network, verified.</summary>
/// <param name="NotificationId">The notification's own id (a resend has the same).</param>
/// <param name="DisputeId">The network's id of the dispute (the same through its stages).</param>
/// <param name="Stage">Which stage this notice reports.</param>
/// <param name="PaymentReference">The gateway's reference of the attempt disputed.</param>
/// <param name="AmountMinor">The amount disputed, minor units.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="ReasonCode">The card network's reason code, e.g. <c>10.4</c>.</param>
/// <param name="Reason">The reason in words.</param>
/// <param name="RespondBy">The network's deadline to respond, when it gave one.</param>
public sealed record ChannelDisputeNotice(string NotificationId, string DisputeId, ChannelDisputeStage Stage, string PaymentReference, long AmountMinor, string Currency,
    string ReasonCode, string Reason, DateTimeOffset? RespondBy);

/// <summary>
/// A channel whose network also sends dispute notices (inquiries, chargebacks, pre-arbitration) to the notification URL, signed
/// like its other notifications.
/// </summary>
public interface IDisputeNotificationChannel
{
    /// <summary>Whether a notification's body is a dispute notice (a look at its type only; nothing is trusted before <see cref="ParseDisputeNotice"/>).</summary>
    bool IsDisputeNotice(string body);

    /// <summary>Verifies the notice's signature and reads it; throws <see cref="NotificationRejectedException"/> when it is not genuine or not well formed.</summary>
    ChannelDisputeNotice ParseDisputeNotice(IReadOnlyDictionary<string, string> headers, string body);
}
