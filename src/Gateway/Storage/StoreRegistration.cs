using Paygate.Gateway.Disputes;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Observability;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Retention;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Settlement;
using Paygate.Gateway.Storage.Postgres;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Storage;

public static class StoreRegistration
{
    /// <summary>
    /// Every store the core has, of the provider <c>Storage:Provider</c> names: SQLite (the default: one process, no setup) or
    /// PostgreSQL (<c>Storage:Postgres:ConnectionString</c>; several instances on one database).
    /// </summary>
    public static IServiceCollection AddPaygateStore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider == StorageProvider.Postgres)
        {
            // Each instance seals webhook secrets that the others must open: a key generated into one instance's folder would
            // leave the others unable to sign (their deliveries would fail until given up).
            if (string.IsNullOrEmpty(configuration[$"{Webhooks.WebhookOptions.Section}:SecretKey"]))
            {
                throw new InvalidOperationException("Storage:Provider=Postgres needs Webhooks:SecretKey (32 bytes in Base64, e.g. openssl rand -base64 32), "
                    + "the same on every instance: each instance seals webhook secrets that the others must open.");
            }
            services.AddOptions<PostgresStoreOptions>().BindConfiguration(PostgresStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton<PostgresDatabase>();
            services.AddSingleton(_ =>
            {
                var folder = Path.GetFullPath(storage.DataFolder);
                OwnerOnly.PrepareFolder(folder);
                return new DataFolder(folder);
            });
            services.AddSingleton<PostgresEventRelay>();
            services.AddHostedService(sp => sp.GetRequiredService<PostgresEventRelay>());
            services.AddHostedService<PostgresChangeListener>();
            services.AddSingleton<IPaymentStore, PostgresPaymentStore>();
            services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
            services.AddSingleton<IMerchantStore, PostgresMerchantStore>();
            services.AddSingleton<IBankCreditStore, PostgresBankCreditStore>();
            services.AddSingleton<IWorkerLeases, PostgresWorkerLeases>();
            services.AddSingleton<ISharedLocks, PostgresSharedLocks>();
            services.AddSingleton<IRetentionStore, PostgresRetentionStore>();
            services.AddSingleton<IBacklogCounts, PostgresBacklogCounts>();
            services.AddSingleton<IEvidenceStore, PostgresEvidenceStore>();
            services.AddSingleton<IRiskRuleStore, PostgresRiskRuleStore>();
            services.AddSingleton<IDisputeStore, PostgresDisputeStore>();
            services.AddSingleton<ISettlementStore, PostgresSettlementStore>();
            services.AddSingleton<Groups.IGroupStore, PostgresGroupStore>();
            return services;
        }
        services.AddOptions<SqliteStoreOptions>().BindConfiguration(SqliteStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton(sp => new DataFolder(Path.GetDirectoryName(sp.GetRequiredService<SqliteDatabase>().Path)!));
        services.AddSingleton<IPaymentStore, SqlitePaymentStore>();
        services.AddSingleton<Groups.IGroupStore, SqliteGroupStore>();
        services.AddSingleton<IWebhookStore, SqliteWebhookStore>();
        services.AddSingleton<IMerchantStore, SqliteMerchantStore>();
        services.AddSingleton<IBankCreditStore, SqliteBankCreditStore>();
        services.AddSingleton<IWorkerLeases, SqliteWorkerLeases>();
        services.AddSingleton<ISharedLocks, ProcessLocks>();
        services.AddSingleton<IRetentionStore, SqliteRetentionStore>();
        services.AddSingleton<IBacklogCounts, SqliteBacklogCounts>();
        services.AddSingleton<IEvidenceStore, SqliteEvidenceStore>();
        services.AddSingleton<IRiskRuleStore, SqliteRiskRuleStore>();
        services.AddSingleton<IDisputeStore, SqliteDisputeStore>();
        services.AddSingleton<ISettlementStore, SqliteSettlementStore>();
        return services;
    }
}
