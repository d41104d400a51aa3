using Paygate.Gateway.Merchants;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage;

namespace Paygate.Gateway.Sandbox;

/// <summary>
/// The sandbox's first start: a test merchant and an operator, each with a key, printed once and written owner-only
/// beside the database as <c>sandbox-merchant.key</c> and <c>sandbox-operator.key</c> (the key alone on one line, for
/// scripts). Later starts (and other instances on a shared database) find keys in the database and leave everything as it is. A database from before merchants
/// existed gives its payments and webhook endpoints to the sandbox merchant.
/// </summary>
public static class SandboxCredentials
{
    public const string MerchantKeyFile = "sandbox-merchant.key";
    public const string OperatorKeyFile = "sandbox-operator.key";
    private const string Actor = "sandbox";

    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!services.GetRequiredService<GatewayEnvironment>().IsSandbox)
        {
            return;
        }
        var store = services.GetRequiredService<IMerchantStore>();
        // Instances starting together on one shared database: one of them makes the sandbox's merchant and keys.
        await using var held = await services.GetRequiredService<Payments.ISharedLocks>().AcquireAsync("sandbox-credentials", cancellationToken);
        if (await store.AnyKeyAsync(cancellationToken))
        {
            return;
        }
        var administration = services.GetRequiredService<MerchantAdministration>();
        var folder = services.GetRequiredService<DataFolder>();
        var merchant = await administration.CreateMerchantAsync(Actor, "Sandbox merchant", null, cancellationToken);
        var (_, merchantKey) = await administration.CreateKeyAsync(Actor, merchant.Id, "sandbox merchant key", null, cancellationToken);
        var (_, operatorKey) = await administration.CreateKeyAsync(Actor, null, "sandbox operator key", null, cancellationToken);
        var clock = services.GetRequiredService<TimeProvider>();
        await store.AdoptUnownedAsync(merchant.Id, AuditEntry.New(clock.GetUtcNow(), Actor, "merchant.adopted_unowned", merchant.Id, merchant.Id), cancellationToken);
        var merchantFile = folder.File(MerchantKeyFile);
        var operatorFile = folder.File(OperatorKeyFile);
        await WriteOwnerOnlyAsync(merchantFile, merchantKey, cancellationToken);
        await WriteOwnerOnlyAsync(operatorFile, operatorKey, cancellationToken);
        // Printed, never logged: the console is the developer's, logs are shipped elsewhere.
        Console.WriteLine($"""
            Sandbox credentials (shown this once; kept owner-only beside the database):
              merchant {merchant.Id} key: {merchantKey}   ({merchantFile})
              operator key: {operatorKey}   ({operatorFile})
            """);
    }

    private static async Task WriteOwnerOnlyAsync(string path, string secret, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly.File;
        }
        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(secret + "\n");
        }
        OwnerOnly.Narrow(path);
    }
}
