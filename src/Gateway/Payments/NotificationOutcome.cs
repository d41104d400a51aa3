namespace Paygate.Gateway.Payments;

/// <summary>What became of a verified channel notification.</summary>
public enum NotificationOutcome
{
    /// <summary>Applied to its payment (or already reflected there).</summary>
    Applied,

    /// <summary>No attempt has the order number it names.</summary>
    UnknownOrder,

    /// <summary>It says the order is paid and the network's own query does not (yet) confirm it: nothing changed.</summary>
    NotConfirmed,
}
