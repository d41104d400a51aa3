using Paygate.Gateway.Api;
using Paygate.Gateway.Notifications;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Extensions;

public static class GatewayApplicationExtensions
{
    /// <summary>Creates or upgrades the store's schema before the first request.</summary>
    public static async Task InitializeStoreAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<IPaymentStore>().InitializeAsync(CancellationToken.None);

    public static WebApplication MapPaygate(this WebApplication app)
    {
        app.UseMiddleware<StatusDetailsMiddleware>();
        app.MapGrpcService<PaymentGrpcService>();
        app.MapGrpcService<ChannelGrpcService>();
        app.MapGrpcService<WebhookGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapChannelNotifications();
        app.MapGet("/", () => "Paygate: gRPC API paygate.v1.PaymentService, ChannelService, WebhookService; channel notifications at /notify/<channel>");
        return app;
    }
}
