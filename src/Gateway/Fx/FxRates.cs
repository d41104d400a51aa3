using Microsoft.Extensions.Options;
using Paygate.Adapters.Money;

namespace Paygate.Gateway.Fx;

/// <summary>
/// The current rate table, refreshed from the rates source on a schedule. A refresh that fails (source down, bad
/// table) keeps the last good table; quotes stop only when that table is older than <see cref="FxOptions.MaxTableAge"/>.
/// </summary>
public sealed class FxRates(IHttpClientFactory httpClients, IOptions<FxOptions> options, TimeProvider clock, ILogger<FxRates> logger) : BackgroundService
{
    public const string HttpClientName = "paygate.fx";
    private readonly FxOptions _options = options.Value;
    private volatile FxRateTable? _table;
    private DateTimeOffset _fetched;

    public bool Enabled => _options.RatesUrl.Length > 0;

    /// <summary>The last good table, or null before the first good refresh.</summary>
    public FxRateTable? Table => _table;

    /// <summary>The first table is fetched before the gateway takes requests (one try; the schedule retries).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            await RefreshAsync(cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(_options.RefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    /// <summary>Fetches the table once; returns whether it was taken.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var json = await httpClients.CreateClient(HttpClientName).GetStringAsync(_options.RatesUrl, timeout.Token);
            var table = FxRateTable.Parse(json);
            _table = table;
            _fetched = clock.GetUtcNow();
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException or System.Text.Json.JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("FX rates refresh failed ({Error}); keeping the table of {AsOf}", ex.Message, _table?.AsOf);
            return false;
        }
    }

    /// <summary>A quote converting <paramref name="from"/> into <paramref name="to"/>, or null with the reason it cannot be had.</summary>
    public (FxQuote? Quote, string? Problem) Quote(Money from, Currency to)
    {
        var table = _table;
        var now = clock.GetUtcNow();
        if (table is null)
        {
            return (null, "no exchange rates yet");
        }
        if (now - _fetched > _options.MaxTableAge)
        {
            return (null, $"the exchange rates are stale (last refreshed {_fetched:O})");
        }
        if (table.Rate(from.Currency, to) is not { } rate)
        {
            return (null, $"no rate from {from.Currency.Code} to {to.Code}");
        }
        if (!FxConversion.TryConvert(from, to, rate, out var converted, out var problem))
        {
            return (null, problem);
        }
        var id = "fxq_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        return (new FxQuote(id, from, converted, rate, table.AsOf, now, now + _options.QuoteValidity), null);
    }
}
