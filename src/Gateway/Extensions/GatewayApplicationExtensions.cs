using Paygate.Gateway.Api;
using Paygate.Gateway.Notifications;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Sandbox;

namespace Paygate.Gateway.Extensions;

public static class GatewayApplicationExtensions
{
    /// <summary>Creates or upgrades the store's schema before the first request.</summary>
    public static async Task InitializeStoreAsync(this WebApplication app)
    {
        if (app.Configuration.GetValue<Storage.StorageProvider>($"{Storage.StorageOptions.Section}:Provider") == Storage.StorageProvider.Postgres
            && string.IsNullOrEmpty(app.Configuration[$"{Webhooks.WebhookOptions.Section}:SecretKey"]))
        {
            app.Logger.LogWarning("Webhooks:SecretKey is not set: the webhook key is generated into this instance's data folder. Every instance on the shared "
                + "database must use the same key (set Webhooks:SecretKey on all of them, or share Storage:DataFolder).");
        }
        await app.Services.GetRequiredService<IPaymentStore>().InitializeAsync(CancellationToken.None);
        await SandboxCredentials.EnsureAsync(app.Services, CancellationToken.None);
    }

    /// <summary>Setting that closes gRPC reflection (open by default, as health is).</summary>
    public const string ReflectionSetting = "Paygate:Reflection";

    public static WebApplication MapPaygate(this WebApplication app)
    {
        app.UseMiddleware<StatusDetailsMiddleware>();
        app.MapGrpcService<PaymentGrpcService>();
        app.MapGrpcService<ChannelGrpcService>();
        app.MapGrpcService<WebhookGrpcService>();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcHealthChecksService();
        if (app.Configuration.GetValue(ReflectionSetting, true))
        {
            app.MapGrpcReflectionService();
        }
        app.MapChannelNotifications();
        app.MapGet("/", () => "Paygate: gRPC API paygate.v1.PaymentService, WebhookService (merchant keys), ChannelService, AdminService (operator keys); channel notifications at /notify/<channel>");
        return app;
    }
}
