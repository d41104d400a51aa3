using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Storage;

/// <summary>A fresh SQLite database in a temporary folder with the merchant store and its administration over it (sandbox keys).</summary>
internal sealed class MerchantTestDatabase : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paygate-merchants-").FullName;

    private MerchantTestDatabase(FakeTimeProvider clock) => Clock = clock;

    public FakeTimeProvider Clock { get; }
    public SqliteDatabase Database { get; private set; } = null!;
    public string Path => System.IO.Path.Combine(_dir, "m.db");
    public ApiKeyCache Cache { get; private set; } = null!;

    public static async Task<MerchantTestDatabase> OpenAsync()
    {
        var test = new MerchantTestDatabase(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await test.ReopenAsync();
        test.Cache = new ApiKeyCache(test.Clock);
        return test;
    }

    /// <summary>The administration over <paramref name="store"/> (the database's own merchant store, or a wrapper of it).</summary>
    public MerchantAdministration Administration(IMerchantStore store) => new(store, GatewayEnvironment.Sandbox, Cache, Clock);

    /// <summary>Closes the database (its files are then complete on disk) and opens it again.</summary>
    public async Task ReopenAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
        Database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path }));
        await Database.MigrateAsync(CancellationToken.None);
    }

    /// <summary>Everything in the database's files, as text.</summary>
    public async Task<string> FileTextAsync()
    {
        await Database.DisposeAsync();
        var text = string.Concat(new[] { Path, Path + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        await ReopenAsync();
        return text;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
