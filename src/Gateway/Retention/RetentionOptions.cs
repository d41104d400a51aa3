using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Retention;

/// <summary>How long the gateway keeps what only matters for a while (section <c>Retention</c>). Payments are kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Events (the <c>StreamEvents</c> history; a payment keeps its own state and attempts regardless).</summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Finished webhook deliveries and their tries (the <c>ListWebhookDeliveries</c> history).</summary>
    public TimeSpan WebhookDeliveries { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Receipts of verified channel notifications, by which a repeat is recognised; networks stop resending within days, so a
    /// month is ample.
    /// </summary>
    public TimeSpan NotificationReceipts { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the worker looks for what to remove.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows removed by one write; the worker pauses between writes so that payments never wait long behind it.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>The pause between two batches.</summary>
    public TimeSpan Pause { get; set; } = TimeSpan.FromMilliseconds(50);
}
