using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Sandbox;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Postgres;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Cli;

/// <summary>
/// Merchant and key administration from the command line (<c>dotnet run --project src/Gateway -- merchants create ...</c>):
/// the same actions as the AdminService, straight on the database and without a key, so that an operator can bootstrap the
/// first one. The embedded database serves one process: stop the gateway first (or use the AdminService).
/// </summary>
public static class AdminCommands
{
    private static readonly string[] Nouns = ["merchants", "keys", "audit"];

    public static bool Handles(string[] args) => args.Length > 0 && Nouns.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var database = new Option<string?>("--database") { Description = "The SQLite database file (default: Storage:Sqlite:Path of the settings, data/paygate.db).", Recursive = true };
        var config = new Option<string?>("--config") { Description = "A JSON settings file, as the gateway's --ConfigFile.", Recursive = true };
        var root = new RootCommand("Paygate administration: merchants, API keys and the audit log.") { database, config };

        var name = new Option<string>("--name") { Description = "The merchant's name.", Required = true };
        var perSecond = new Option<int?>("--per-second") { Description = "The merchant's own sustained rate limit (requests a second)." };
        var burst = new Option<int?>("--burst") { Description = "The merchant's own burst (at least --per-second)." };
        var createMerchant = new Command("create", "Creates a merchant and its first API key (shown once).") { name, perSecond, burst };
        var listMerchants = new Command("list", "Lists merchants.");
        root.Subcommands.Add(new Command("merchants", "Merchants.") { createMerchant, listMerchants });

        var merchant = new Option<string?>("--merchant") { Description = "The merchant (mch_...)." };
        var isOperator = new Option<bool>("--operator") { Description = "An operator key instead of a merchant's." };
        var description = new Option<string>("--description") { Description = "What the key is for.", DefaultValueFactory = _ => "" };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When the key stops working by itself (ISO 8601)." };
        var createKey = new Command("create", "Issues an API key (shown once).") { merchant, isOperator, description, expires };
        var listKeys = new Command("list", "Lists a merchant's keys, or the operators'.") { merchant, isOperator };
        var keyId = new Argument<string>("key-id") { Description = "The key's id (key_...), not its secret." };
        var revokeKey = new Command("revoke", "Revokes a key.") { keyId };
        root.Subcommands.Add(new Command("keys", "API keys.") { createKey, listKeys, revokeKey });

        var limit = new Option<int>("--limit") { Description = "How many entries, newest first.", DefaultValueFactory = _ => 50 };
        var listAudit = new Command("list", "Lists the audit log.") { limit };
        root.Subcommands.Add(new Command("audit", "The audit log of administrative actions.") { listAudit });

        var actor = "cli:" + Environment.UserName;
        createMerchant.SetAction((parsed, ct) => WithAdministration(parsed, database, config, errors, async admin =>
        {
            var rate = parsed.GetValue(perSecond) is { } ps ? new RateLimit(ps, parsed.GetValue(burst) ?? ps) : null;
            var created = await admin.CreateMerchantAsync(actor, parsed.GetValue(name)!, rate, ct);
            var (key, secret) = await admin.CreateKeyAsync(actor, created.Id, "first key", null, ct);
            output.WriteLine($"merchant {created.Id} ({created.Name})");
            output.WriteLine($"key {key.Id}: {secret}");
            output.WriteLine("The key is shown this once; only its hash is kept.");
        }));
        listMerchants.SetAction((parsed, ct) => WithAdministration(parsed, database, config, errors, async admin =>
        {
            string? after = null;
            while (await admin.ListMerchantsAsync(after, 100, ct) is { Count: > 0 } page)
            {
                foreach (var m in page)
                {
                    output.WriteLine($"{m.Id}  {m.CreateTime:yyyy-MM-dd}  {m.Name}" + (m.RateLimit is { } r ? $"  ({r.PerSecond}/s, burst {r.Burst})" : ""));
                }
                after = page[^1].Id;
            }
        }));
        createKey.SetAction((parsed, ct) => WithAdministration(parsed, database, config, errors, async admin =>
        {
            var (key, secret) = await admin.CreateKeyAsync(actor, MerchantOrOperator(parsed.GetValue(merchant), parsed.GetValue(isOperator)),
                parsed.GetValue(description) ?? "", parsed.GetValue(expires), ct);
            output.WriteLine($"key {key.Id}: {secret}");
            output.WriteLine("The key is shown this once; only its hash is kept.");
        }));
        listKeys.SetAction((parsed, ct) => WithAdministration(parsed, database, config, errors, async admin =>
        {
            foreach (var k in await admin.ListKeysAsync(MerchantOrOperator(parsed.GetValue(merchant), parsed.GetValue(isOperator)), ct))
            {
                var state = k.RevokeTime is { } revoked ? $"revoked {revoked:O}" : k.ExpireTime is { } e ? $"expires {e:O}" : "active";
                output.WriteLine($"{k.Id}  {k.Prefix}...  {state}  last used {(k.LastUseTime is { } u ? u.ToString("O", CultureInfo.InvariantCulture) : "never")}  {k.Description}");
            }
        }));
        revokeKey.SetAction((parsed, ct) => WithAdministration(parsed, database, config, errors, async admin =>
        {
            var key = await admin.RevokeKeyAsync(actor, parsed.GetValue(keyId)!, ct);
            output.WriteLine($"key {key.Id} ({key.Prefix}...) revoked at {key.RevokeTime:O}");
        }));
        listAudit.SetAction((parsed, ct) => WithAdministration(parsed, database, config, errors, async admin =>
        {
            foreach (var a in await admin.ListAuditAsync(null, Math.Clamp(parsed.GetValue(limit), 1, 10_000), ct))
            {
                output.WriteLine($"{a.Sequence}  {a.Time:O}  {a.Actor}  {a.Action}  {a.Target}  {a.MerchantId}  {a.Detail}");
            }
        }));

        var result = root.Parse(args);
        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors });
    }

    private static string? MerchantOrOperator(string? merchantId, bool isOperator) =>
        (merchantId, isOperator) switch
        {
            ({ Length: > 0 } id, false) => id,
            (null or "", true) => null,
            _ => throw PaymentException.InvalidField("--merchant", "give --merchant mch_... or --operator (not both)"),
        };

    /// <summary>Opens the database as the gateway would (same settings, same environment rule), runs one action, and reports refusals plainly.</summary>
    private static async Task<int> WithAdministration(ParseResult parsed, Option<string?> database, Option<string?> config, TextWriter errors, Func<MerchantAdministration, Task> action)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables();
        if (parsed.GetValue(config) is { Length: > 0 } file)
        {
            configuration.AddJsonFile(Path.GetFullPath(file), optional: false);
        }
        var settings = configuration.Build();
        var environment = GatewayEnvironment.From(settings, SandboxSimulators.WouldStart(settings));
        var clock = TimeProvider.System;
        var storage = settings.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        // A shared PostgreSQL database is written beside the running instances (each unit of work is its own transaction).
        if (storage.Provider == StorageProvider.Postgres && parsed.GetValue(database) is null)
        {
            var options = Options.Create(settings.GetSection(PostgresStoreOptions.Section).Get<PostgresStoreOptions>() ?? new PostgresStoreOptions());
            await using var postgres = new PostgresDatabase(options);
            await postgres.MigrateAsync(CancellationToken.None);
            return await RunAsync(new PostgresMerchantStore(postgres));
        }
        var path = parsed.GetValue(database) ?? settings[$"{SqliteStoreOptions.Section}:Path"] ?? new SqliteStoreOptions().Path;
        SqliteDatabase db;
        try
        {
            db = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }));
        }
        catch (InvalidOperationException ex)
        {
            await errors.WriteLineAsync($"{ex.Message} Stop the gateway first, or use the AdminService with an operator key.");
            return 3;
        }
        await using (db)
        {
            await db.MigrateAsync(CancellationToken.None);
            return await RunAsync(new SqliteMerchantStore(db));
        }

        async Task<int> RunAsync(IMerchantStore store)
        {
            try
            {
                await action(new MerchantAdministration(store, environment, new ApiKeyCache(clock), clock));
                return 0;
            }
            catch (PaymentException ex)
            {
                await errors.WriteLineAsync($"{ex.Code.Code}: {ex.Message}");
                return 2;
            }
        }
    }
}
