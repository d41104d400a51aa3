namespace Paygate.Gateway.Storage;

/// <summary>
/// The database holds payers' data and sits beside the keys that seal secrets: its folder is the owner's alone (0700) and
/// its files are owner-only (0600). SQLite creates the <c>-wal</c> and <c>-shm</c> files with the database file's mode, so
/// the file is made before SQLite first opens it; files left wider by an older version are narrowed.
/// </summary>
internal static class OwnerOnly
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void PrepareDatabase(string databasePath)
    {
        PrepareFolder(Path.GetDirectoryName(databasePath)!);
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        if (!System.IO.File.Exists(databasePath))
        {
            try
            {
                using var created = new FileStream(databasePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File });
            }
            catch (IOException) when (System.IO.File.Exists(databasePath))
            {
                // Another instance made it first.
            }
        }
        foreach (var path in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal" })
        {
            Narrow(path);
        }
    }

    /// <summary>Creates the folder owner-only (parents made on the way too), or narrows it when it holds nothing but the gateway's files.</summary>
    public static void PrepareFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        if (!Directory.Exists(folder))
        {
            // Parents made on the way get the same mode: nothing on the way to the data needs to be readable by others.
            Directory.CreateDirectory(folder, Folder);
        }
        else if ((System.IO.File.GetUnixFileMode(folder) & ~Folder) != 0 && IsOurs(folder))
        {
            System.IO.File.SetUnixFileMode(folder, Folder);
        }
    }

    /// <summary>Makes an existing file owner-only (a key or database file written before this rule, or copied in).</summary>
    public static void Narrow(string path)
    {
        if (!OperatingSystem.IsWindows() && System.IO.File.Exists(path) && (System.IO.File.GetUnixFileMode(path) & ~File) != 0)
        {
            System.IO.File.SetUnixFileMode(path, File);
        }
    }

    /// <summary>
    /// Only a folder that holds nothing but the gateway's files is narrowed: a database configured in a shared folder (/tmp,
    /// a home directory) must not change that folder's mode for everyone else.
    /// </summary>
    private static bool IsOurs(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).All(e => Path.GetFileName(e) is var name
            && (name.EndsWith(".db", StringComparison.Ordinal) || name.Contains(".db-", StringComparison.Ordinal) || name.EndsWith(".db.lock", StringComparison.Ordinal)
                || name.EndsWith(".key", StringComparison.Ordinal)));
}
