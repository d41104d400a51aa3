using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Observability;
using Paygate.Gateway.Reconciliation;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Notifications;

/// <summary>
/// The channels' asynchronous notifications, <c>POST /notify/&lt;channel&gt;</c>. The channel verifies the
/// network's signature before anything is read; only then is the payment touched. The reply is the one the
/// network expects, so it stops resending once the change is durable, and resends otherwise.
/// </summary>
public static class NotificationEndpoints
{
    /// <summary>Notifications are small; anything bigger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapChannelNotifications(this IEndpointRouteBuilder app)
    {
        app.MapPost("/notify/{channel}", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(string channel, HttpContext context, ChannelRegistry channels, PaymentLifecycle lifecycle, IPaymentStore store,
        TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Paygate.Notifications");
        var target = channels.Find(channel);
        if (target is null)
        {
            return Results.NotFound();
        }
        using var span = NotificationTelemetry.Start(target.Id);
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            var buffer = new char[MaxBodyBytes + 1];
            var read = await reader.ReadBlockAsync(buffer, context.RequestAborted);
            if (read > MaxBodyBytes)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
            body = new string(buffer, 0, read);
        }
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (target is IStatementChannel bank)
        {
            return await HandleStatementAsync(target, bank, headers, body, context, logger, span);
        }
        if (target is IDisputeNotificationChannel disputes && disputes.IsDisputeNotice(body))
        {
            NotificationTelemetry.Outcome(span, "dispute");
            return Reply(await DisputeNotifications.HandleAsync(target, disputes, headers, body, context, logger));
        }

        ChannelNotification notification;
        try
        {
            notification = target.ParseNotification(headers, body);
        }
        catch (NotificationRejectedException ex)
        {
            logger.LogWarning("Rejected a {Channel} notification from {Remote}: {Reason}", channel, context.Connection.RemoteIpAddress, ex.Message);
            NotificationTelemetry.Outcome(span, "rejected");
            return Reply(target.NotificationReply(accepted: false));
        }

        // Each verified notification is applied once; a repeat (the network resending after a lost reply, or someone
        // replaying a captured one) is acknowledged so that the network stops, and changes nothing.
        var id = string.IsNullOrEmpty(notification.NotificationId) ? null : notification.NotificationId + "/" + notification.Result.NativeCode;
        // A refund's notification is about the refund (UnionPay names only the refund).
        var subject = notification.RefundReference ?? notification.Reference;
        if (id is not null && await store.NotificationSeenAsync(channel, id, context.RequestAborted))
        {
            logger.LogInformation("Repeated {Channel} notification {NotificationId} for order {Reference}: already applied, acknowledged without effect",
                channel, notification.NotificationId, subject);
            NotificationTelemetry.Outcome(span, "repeated", subject);
            return Reply(target.NotificationReply(accepted: true));
        }
        // Applied and recorded in one unit of work: a crash cannot leave it applied but unrecorded, or the reverse.
        var receipt = id is null ? null : new NotificationReceipt(channel, id, subject, clock.GetUtcNow());
        var applied = await lifecycle.ApplyNotificationAsync(channel, notification, context.RequestAborted, receipt) == NotificationOutcome.Applied;
        NotificationTelemetry.Outcome(span, applied ? "applied" : "not_applied", subject);
        return Reply(target.NotificationReply(accepted: applied));
    }

    /// <summary>A bank's camt.054: verified first, then every credit in it reconciled; acknowledged once all are recorded.</summary>
    private static async Task<IResult> HandleStatementAsync(IPaymentChannel target, IStatementChannel bank, IReadOnlyDictionary<string, string> headers, string body,
        HttpContext context, ILogger logger, System.Diagnostics.Activity? span)
    {
        BankStatement statement;
        try
        {
            statement = bank.ParseStatement(headers, body);
        }
        catch (NotificationRejectedException ex)
        {
            logger.LogWarning("Rejected a {Channel} notification from {Remote}: {Reason}", target.Id, context.Connection.RemoteIpAddress, ex.Message);
            NotificationTelemetry.Outcome(span, "rejected");
            return Reply(target.NotificationReply(accepted: false));
        }
        NotificationTelemetry.Outcome(span, "statement");
        var reconciliation = context.RequestServices.GetRequiredService<BankReconciliation>();
        await reconciliation.ApplyAsync(target.Id, statement, context.RequestAborted);
        return Reply(target.NotificationReply(accepted: true));
    }

    private static IResult Reply(NotificationReply reply) => reply.Body.Length == 0
        ? Results.StatusCode(reply.StatusCode) // 204 and friends carry no body at all
        : Results.Text(reply.Body, reply.ContentType, statusCode: reply.StatusCode);
}
