using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Settings of the embedded SQLite store (section <c>Storage:Sqlite</c>).</summary>
public sealed class SqliteStoreOptions
{
    public const string Section = "Storage:Sqlite";

    /// <summary>The database file; its folder is created when missing.</summary>
    [Required]
    public string Path { get; set; } = "data/paygate.db";
}
