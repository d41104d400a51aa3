using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Sqlite;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Tests.Storage;

/// <summary>The database, its WAL and shared-memory files and the key beside them are the owner's alone.</summary>
public sealed class FileModeTests : IDisposable
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;
    private readonly string _root = Directory.CreateTempSubdirectory("paygate-modes-").FullName;

    private static async Task<SqliteDatabase> WriteAsync(string path)
    {
        var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }));
        await database.MigrateAsync(CancellationToken.None);
        _ = new WebhookSecretBox(Options.Create(new WebhookOptions()), new DataFolder(Path.GetDirectoryName(database.Path)!));
        var store = new SqlitePaymentStore(database);
        await store.InsertAsync(TestPayments.New(TimeProvider.System), new PaymentChange(PaymentEventTypes.Created), null, CancellationToken.None);
        // Its writer holds the file open, so the -wal and -shm files exist while the test looks at them.
        return database;
    }

    [Fact]
    public async Task NewDatabase_FolderIs0700_FilesAre0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var path = Path.Combine(_root, "data", "paygate.db");

        await using var open = await WriteAsync(path);

        Assert.Equal(OwnerFolder, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + ".lock", Path.Combine(_root, "data", "webhook.key") })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal((file, OwnerFile), (file, File.GetUnixFileMode(file)));
        }
    }

    [Fact]
    public async Task DatabaseLeftWorldReadable_IsNarrowedAtStart()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var folder = Path.Combine(_root, "old");
        var path = Path.Combine(folder, "paygate.db");
        await (await WriteAsync(path)).DisposeAsync();
        var wide = OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(folder, OwnerFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(path, wide);
        File.SetUnixFileMode(Path.Combine(folder, "webhook.key"), wide);

        await using var open = await WriteAsync(path);

        Assert.Equal(OwnerFolder, File.GetUnixFileMode(folder));
        Assert.Equal(OwnerFile, File.GetUnixFileMode(path));
        Assert.Equal(OwnerFile, File.GetUnixFileMode(path + "-wal"));
        Assert.Equal(OwnerFile, File.GetUnixFileMode(Path.Combine(folder, "webhook.key")));
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
    }
}
