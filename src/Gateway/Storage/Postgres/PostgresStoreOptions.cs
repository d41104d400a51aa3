using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Settings of the PostgreSQL store (section <c>Storage:Postgres</c>).</summary>
public sealed class PostgresStoreOptions
{
    public const string Section = "Storage:Postgres";

    /// <summary>An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=paygate;Password=...;Database=paygate</c>.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>How often each instance looks for events no relay has put in the stream yet (it is woken at once by its own writes).</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
