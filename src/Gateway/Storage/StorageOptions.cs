namespace Paygate.Gateway.Storage;

/// <summary>Which store the gateway keeps its state in (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><see cref="StorageProvider.Sqlite"/> (the zero-setup default, one process) or <see cref="StorageProvider.Postgres"/> (several instances).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The gateway's own folder for files it generates (sandbox keys, a generated webhook key). With SQLite it is the
    /// database's folder and this setting is not used.
    /// </summary>
    public string DataFolder { get; set; } = "data";
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
