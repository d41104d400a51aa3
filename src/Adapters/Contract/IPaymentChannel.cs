namespace Paygate.Adapters.Contract;

/// <summary>
/// The contract every payment channel implements. Every method returns a <see cref="ChannelResult"/>
/// rather than throwing for network or business errors: the outcome (in particular Failed versus Unknown)
/// is what the gateway's failover rule needs.
/// </summary>
public interface IPaymentChannel
{
    /// <summary>The channel's id, lower case, e.g. <c>alipay</c>; also the last segment of its notify path.</summary>
    string Id { get; }

    ChannelCapabilities Capabilities { get; }

    /// <summary>Creates the order at the network.</summary>
    Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the network what became of the order.</summary>
    Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken);

    /// <summary>Closes an unpaid order so that it can no longer be paid. Succeeded means closed (or never existed).</summary>
    Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken);

    /// <summary>Refunds part or all of a paid order. Resending the same request never refunds twice.</summary>
    Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken);

    /// <summary>Asks what became of a refund (after an unknown outcome): Succeeded, Unknown while pending, Failed when absent or refused.</summary>
    Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies a raw notification (signature first) and says what it reports; throws
    /// <see cref="NotificationRejectedException"/> when it is forged, tampered with or malformed.
    /// </summary>
    ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body);

    /// <summary>The reply the network expects, so that it stops resending (or resends, when not accepted).</summary>
    NotificationReply NotificationReply(bool accepted);
}

/// <summary>A notification that failed verification; nothing in it may be used.</summary>
public sealed class NotificationRejectedException(string reason) : Exception(reason);
