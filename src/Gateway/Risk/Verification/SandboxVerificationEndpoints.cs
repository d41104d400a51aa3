using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Risk.Verification;

/// <summary>
/// The sandbox's stand-in for the payer's phone: <c>GET /sandbox/verification-codes/{payment_id}</c> with the payment's
/// merchant key answers the code last sent for it (404 when none is good). Mapped only when the sandbox sender is in use.
/// </summary>
public static class SandboxVerificationEndpoints
{
    public const string Path = "/sandbox/verification-codes";

    /// <summary>Registers the sandbox sender as the gateway's verification sender.</summary>
    public static IServiceCollection AddSandboxVerification(this IServiceCollection services)
    {
        services.AddSingleton<SandboxVerificationSender>();
        services.AddSingleton<IVerificationSender>(sp => sp.GetRequiredService<SandboxVerificationSender>());
        return services;
    }

    public static void MapSandboxVerification(this WebApplication app)
    {
        if (app.Services.GetService<SandboxVerificationSender>() is null)
        {
            return;
        }
        app.MapGet(Path + "/{paymentId}", async (string paymentId, HttpContext http, ApiKeyAuthenticator keys, IPaymentStore store, SandboxVerificationSender sender) =>
        {
            Caller caller;
            try
            {
                (caller, _) = await keys.AuthenticateAsync(http.Request.Headers.Authorization.ToString(), http.RequestAborted);
            }
            catch (PaymentException)
            {
                return Results.Unauthorized();
            }
            var payment = await store.GetAsync(paymentId, http.RequestAborted);
            return payment is null || payment.MerchantId != caller.MerchantId || sender.LatestCode(paymentId) is not { } code
                ? Results.NotFound()
                : Results.Json(new { payment_id = paymentId, code });
        });
    }
}
