namespace Paygate.Gateway.Payments;

/// <summary>A verified channel notification as applied: a repeat of it (the network resending, or a replay) changes nothing.</summary>
/// <param name="Channel">The channel that sent it.</param>
/// <param name="NotificationId">Its id (the network's, with the status it reported).</param>
/// <param name="Reference">The order it is about.</param>
/// <param name="Time">When it was applied.</param>
public sealed record NotificationReceipt(string Channel, string NotificationId, string Reference, DateTimeOffset Time);
