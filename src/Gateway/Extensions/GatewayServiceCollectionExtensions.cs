using Paygate.Gateway.Disputes;
using Paygate.Gateway.Reports;
using Paygate.Gateway.Evidence;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Paygate.Gateway.Api;
using Paygate.Gateway.Checkout;
using Paygate.Gateway.Fx;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Observability;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Reconciliation;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Retention;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Risk.Indicators;
using Paygate.Gateway.Risk.Verification;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Security;
using Paygate.Gateway.Settlement;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Extensions;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>The largest gRPC message the API accepts; a CreatePaymentRequest is a few kilobytes at most.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>The payment core, its store, the API and its cross-cutting pieces.</summary>
    public static IServiceCollection AddPaygate(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddPaygateStore(configuration);
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section);
        services.AddOptions<ResilienceOptions>().BindConfiguration(ResilienceOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<ChannelHealth>();
        services.AddSingleton<ChannelCalls>();
        services.AddHostedService<ChannelProbe>();
        services.AddSingleton<ChannelRegistry>();
        services.AddOptions<FxOptions>().BindConfiguration(FxOptions.Section);
        services.AddHttpClient(FxRates.HttpClientName);
        services.AddSingleton<FxRates>();
        services.AddHostedService(sp => sp.GetRequiredService<FxRates>());
        services.AddSingleton<PaymentRouter>();
        services.AddSingleton<PaymentSignals>();
        services.AddRiskIndicators();
        services.AddSingleton<KeyedLock>();
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PaymentAdmission>();
        // One engine, both deciding (IRiskEngine) and counting every saved change (IPaymentObserver).
        services.AddOptions<RiskOptions>().BindConfiguration(RiskOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RiskEngine>();
        services.AddSingleton<IRiskEngine>(sp => sp.GetRequiredService<RiskEngine>());
        services.AddSingleton<IPaymentObserver>(sp => sp.GetRequiredService<RiskEngine>());
        services.AddHostedService<RiskRuleRefresher>();
        services.AddSingleton<PaymentLifecycle>();
        services.AddSingleton<Groups.GroupBookings>();
        services.AddSingleton<Groups.GroupAdministration>();
        services.AddSingleton<CreatePaymentValidator>();
        services.AddSingleton<RecoveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RecoveryWorker>());
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<RetentionWorker>();
        services.AddOptions<EvidenceOptions>().BindConfiguration(EvidenceOptions.Section);
        services.AddSingleton<EvidenceVerifier>();
        services.AddSingleton<EvidenceBundles>();
        services.AddSingleton<ChainHeadPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChainHeadPublisher>());

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookSecretBox>();
        // Keys of their own for risk control, derived from the gateway's one secret: card fingerprints and challenge codes' hashes.
        services.AddSingleton(sp => new CardFingerprints(sp.GetRequiredService<WebhookSecretBox>().DeriveKey("paygate card fingerprint")));
        services.AddSingleton(sp => new VerificationCodes(sp.GetRequiredService<WebhookSecretBox>().DeriveKey("paygate verification code")));
        services.AddOptions<ChallengeOptions>().BindConfiguration(ChallengeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookAddressPolicy>();
        // Connections only to addresses the policy allows, vetted at connect time; redirects not followed.
        services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookConnections.CreateHandler(sp.GetRequiredService<WebhookAddressPolicy>()));
        services.AddHostedService<WebhookDispatcher>();

        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<MerchantAdministration>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallerRateLimits>();

        services.AddSingleton<BankReconciliation>();
        services.AddSingleton<BankStatementWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<BankStatementWorker>());
        services.AddDisputes();
        services.AddPaygateSettlement();

        services.AddGrpc(options =>
        {
            // In this order: the error interceptor turns the caller interceptor's refusals into rich statuses too.
            options.Interceptors.Add<ErrorInterceptor>();
            options.Interceptors.Add<CallerInterceptor>();
            options.MaxReceiveMessageSize = MaxRequestBytes;
        });
        services.AddPaygateRest(configuration);
        services.AddStrictRequestParsing();
        services.AddGrpcReflection();
        services.AddSingleton<StoreHealth>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreHealth>());
        services.AddGrpcHealthChecks().AddCheck<StoreHealth>("store");
        services.AddPaygateObservability(configuration);
        services.AddPaygateCheckout();
        services.AddPaygateReports();
        return services;
    }

    /// <summary>
    /// Malformed request messages answer INVALID_ARGUMENT (see <see cref="MalformedRequests"/>): grpc-dotnet's default
    /// method provider gives way to one that guards every request marshaller.
    /// </summary>
    private static void AddStrictRequestParsing(this IServiceCollection services)
    {
        var defaults = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType is { Namespace: "Grpc.AspNetCore.Server.Model.Internal", Name: "BinderServiceMethodProvider`1" }).ToList();
        if (defaults.Count != 1)
        {
            // Both providers would bind every method twice; without ours, malformed messages would answer UNKNOWN again.
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider was not found: check StrictRequestMethodProvider against this grpc-dotnet version");
        }
        services.Remove(defaults[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(StrictRequestMethodProvider<>));
        services.AddSingleton<MalformedRequests>();
        // A refused message is an RpcException, which grpc-dotnet's call handler logs at Information with its stack
        // trace ("Error reading message"); MalformedRequests writes the one warning. Handler errors stay at Error.
        services.AddLogging(logging => logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning));
    }
}
