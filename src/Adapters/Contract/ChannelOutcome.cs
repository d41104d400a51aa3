namespace Paygate.Adapters.Contract;

/// <summary>What a channel call says about the money. The failover rule hangs on this distinction.</summary>
public enum ChannelOutcome
{
    /// <summary>The money was collected (or the operation completed).</summary>
    Succeeded,
    /// <summary>The order exists and waits for the payer (scan a QR code, follow a redirect, push a transfer).</summary>
    RequiresAction,
    /// <summary>A definite no from the payer's side. No failover: another channel would not change it.</summary>
    Declined,
    /// <summary>Definitely not processed. Safe to fail over to another channel.</summary>
    Failed,
    /// <summary>May or may not have been processed (timeouts, system errors): query before anything else.</summary>
    Unknown,
    /// <summary>
    /// Accepted and on its way, settling later (a SWIFT transfer the bank acknowledged and is carrying): neither done nor
    /// in doubt. The attempt stays pending and is queried on a schedule until it settles.
    /// </summary>
    Processing,
}
