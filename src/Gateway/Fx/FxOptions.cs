namespace Paygate.Gateway.Fx;

/// <summary>Foreign exchange settings (section <c>Fx</c>). FX is on when <see cref="RatesUrl"/> is set.</summary>
public sealed class FxOptions
{
    public const string Section = "Fx";

    /// <summary>Where the rate table is fetched (JSON, see <see cref="FxRateTable.Parse"/>); the sandbox points it at the simulator.</summary>
    public string RatesUrl { get; set; } = "";

    /// <summary>How often the table is refreshed; a failed refresh keeps the last good table.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a quote holds.</summary>
    public TimeSpan QuoteValidity { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A table older than this is not used for new quotes (the source has been failing too long).</summary>
    public TimeSpan MaxTableAge { get; set; } = TimeSpan.FromHours(1);
}
