using Paygate.Gateway.Reports;
using Paygate.Gateway.Api;
using Paygate.Gateway.Checkout;
using Paygate.Gateway.Notifications;
using Paygate.Gateway.Observability;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk.Verification;
using Paygate.Gateway.Sandbox;

namespace Paygate.Gateway.Extensions;

public static class GatewayApplicationExtensions
{
    /// <summary>Creates or upgrades the store's schema before the first request.</summary>
    public static async Task InitializeStoreAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<IPaymentStore>().InitializeAsync(CancellationToken.None);
        await SandboxCredentials.EnsureAsync(app.Services, CancellationToken.None);
    }

    /// <summary>Setting that closes gRPC reflection (open by default, as health is).</summary>
    public const string ReflectionSetting = "Paygate:Reflection";

    public static WebApplication MapPaygate(this WebApplication app)
    {
        app.UseMiddleware<StatusDetailsMiddleware>();
        app.UsePaygateRest();
        app.MapGrpcService<PaymentGrpcService>().ForBrowsers();
        app.MapGrpcService<ChannelGrpcService>();
        app.MapGrpcService<WebhookGrpcService>().ForBrowsers();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcService<EvidenceGrpcService>();
        app.MapGrpcService<RiskGrpcService>();
        app.MapGrpcService<DisputeGrpcService>().ForBrowsers();
        app.MapGrpcService<SettlementGrpcService>();
        app.MapGrpcService<GroupGrpcService>().ForBrowsers();
        app.MapPaygateReports();
        app.MapGrpcHealthChecksService();
        if (app.Configuration.GetValue(ReflectionSetting, true))
        {
            app.MapGrpcReflectionService();
        }
        app.MapChannelNotifications();
        app.MapPaygateMetrics();
        app.MapCheckout();
        app.MapSandboxVerification();
        app.MapGet("/", () => "Paygate: gRPC API paygate.v1.PaymentService, WebhookService (merchant keys), ChannelService, AdminService, EvidenceService (operator keys); channel notifications at /notify/<channel>");
        return app;
    }
}
