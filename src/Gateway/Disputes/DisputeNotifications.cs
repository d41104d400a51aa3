using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Disputes;

/// <summary>
/// A channel's dispute notice arriving at <c>/notify/&lt;channel&gt;</c>: verified by the channel (a bad signature is refused with the
/// network's failure reply and changes nothing), skipped when this notification was applied before, applied, then recorded.
/// </summary>
public static class DisputeNotifications
{
    public static async Task<NotificationReply> HandleAsync(IPaymentChannel target, IDisputeNotificationChannel disputes, IReadOnlyDictionary<string, string> headers,
        string body, HttpContext context, ILogger logger)
    {
        ChannelDisputeNotice notice;
        try
        {
            notice = disputes.ParseDisputeNotice(headers, body);
        }
        catch (NotificationRejectedException ex)
        {
            logger.LogWarning("Rejected a {Channel} dispute notification from {Remote}: {Reason}", target.Id, context.Connection.RemoteIpAddress, ex.Message);
            return target.NotificationReply(accepted: false);
        }
        var store = context.RequestServices.GetRequiredService<IPaymentStore>();
        var id = notice.NotificationId + "/dispute";
        if (await store.NotificationSeenAsync(target.Id, id, context.RequestAborted))
        {
            return target.NotificationReply(accepted: true);
        }
        var intake = context.RequestServices.GetRequiredService<AcquirerDisputes>();
        if (!await intake.ApplyAsync(target.Id, notice, context.RequestAborted))
        {
            return target.NotificationReply(accepted: false);
        }
        var clock = context.RequestServices.GetRequiredService<TimeProvider>();
        await store.RecordNotificationAsync(new NotificationReceipt(target.Id, id, notice.DisputeId, clock.GetUtcNow()), CancellationToken.None);
        return target.NotificationReply(accepted: true);
    }
}
