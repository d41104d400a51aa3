using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Money;
using Paygate.Gateway.Fx;

namespace Paygate.Gateway.Tests.Fx;

public sealed class FxTests
{
    private const string Table = """
        {"as_of": "2026-11-26T08:00:00Z", "rates": {
          "USD": {"CNY": "7.1035", "EUR": "0.9210", "JPY": "151.37", "HKD": "7.782", "GBP": "0.7895", "SGD": "1.344"},
          "EUR": {"CNY": "7.7128", "USD": "1.0858"},
          "CNY": {"USD": "0.140775", "EUR": "0.129655", "JPY": "21.3093"}}}
        """;

    private static Money M(long minor, Currency currency) => new(minor, currency);

    [Fact]
    public void Rates_AreReadDirectlyInvertedOrCrossedThroughABase()
    {
        var table = FxRateTable.Parse(Table);

        Assert.Equal(7.1035m, table.Rate(Currency.USD, Currency.CNY));
        Assert.Equal(21.3093m, table.Rate(Currency.CNY, Currency.JPY));
        Assert.Equal(Math.Round(1m / 7.782m, 10), table.Rate(Currency.HKD, Currency.USD)); // inverted
        Assert.Equal(Math.Round(151.37m / 7.782m, 10), table.Rate(Currency.HKD, Currency.JPY)); // crossed through USD
        Assert.Equal(1m, table.Rate(Currency.SGD, Currency.SGD));
    }

    [Theory]
    [InlineData("{\"rates\": {}}", "as_of")]
    [InlineData("{\"as_of\": \"2026-11-26T08:00:00Z\", \"rates\": {\"USD\": {}, \"EUR\": {}}}", "base CNY")]
    [InlineData("{\"as_of\": \"2026-11-26T08:00:00Z\", \"rates\": {\"USD\": {\"CNY\": 7.1}, \"EUR\": {}, \"CNY\": {}}}", "decimal string")]
    [InlineData("{\"as_of\": \"2026-11-26T08:00:00Z\", \"rates\": {\"USD\": {\"CNY\": \"-1\"}, \"EUR\": {}, \"CNY\": {}}}", "positive")]
    public void Parse_RefusesABadTableWhole(string json, string problem) =>
        Assert.Contains(problem, Assert.Throws<FormatException>(() => FxRateTable.Parse(json)).Message);

    [Theory]
    // half a minor unit rounds up (half-up, away from zero): banker's rounding would give 0 and 2
    [InlineData(1, "CNY", "USD", "0.5", 1)]
    [InlineData(3, "CNY", "USD", "0.5", 2)]
    [InlineData(1, "CNY", "USD", "0.49", 0)]
    // to JPY, which has no minor units: 12.34 CNY x 21.3093 = 262.956762 -> 263 yen
    [InlineData(1234, "CNY", "JPY", "21.3093", 263)]
    // from JPY: 100 yen x 0.0066 = 0.66 USD
    [InlineData(100, "JPY", "USD", "0.0066", 66)]
    [InlineData(888_800, "CNY", "USD", "0.140775", 125_121)]
    public void Convert_RoundsHalfUpToTheTargetsMinorUnits(long minor, string from, string to, string rate, long expected)
    {
        Currency.TryFind(from, out var f);
        Currency.TryFind(to, out var t);

        var ok = FxConversion.TryConvert(M(minor, f), t, decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture), out var converted, out var problem);

        if (expected == 0)
        {
            Assert.False(ok);
            Assert.Contains("rounds to nothing", problem);
        }
        else
        {
            Assert.True(ok, problem);
            Assert.Equal(M(expected, t), converted);
        }
    }

    [Fact]
    public void Convert_NearTheInt64Limit_IsRefusedCleanly()
    {
        Assert.False(FxConversion.TryConvert(M(long.MaxValue, Currency.USD), Currency.JPY, 151.37m, out _, out var problem));
        Assert.Contains("does not fit a 64-bit amount", problem);
        Assert.True(FxConversion.TryConvert(M(long.MaxValue / 1000, Currency.JPY), Currency.CNY, 0.04693m, out var fits, out _));
        Assert.True(fits.AmountMinor > 0);
    }

    [Fact]
    public void RefundShares_AddUpToExactlyTheSettledTotal()
    {
        long settled = 1001, total = 1000, before = 0, sum = 0;
        foreach (var part in new long[] { 333, 333, 334 })
        {
            sum += FxConversion.ShareOf(settled, total, before, part);
            before += part;
        }
        Assert.Equal(settled, sum);
        Assert.Equal(500, FxConversion.ShareOf(1000, 2000, 0, 1000));
    }

    [Fact]
    public async Task FailedRefresh_KeepsTheLastGoodTable_UntilItIsTooOld()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new Source { Body = Table };
        var options = new FxOptions { RatesUrl = "http://127.0.0.1:9/fx/v1/rates", MaxTableAge = TimeSpan.FromHours(1), QuoteValidity = TimeSpan.FromMinutes(10) };
        var rates = new FxRates(new Clients(source), Options.Create(options), clock, NullLogger<FxRates>.Instance);

        Assert.True(await rates.RefreshAsync(CancellationToken.None));
        source.Status = HttpStatusCode.InternalServerError;
        Assert.False(await rates.RefreshAsync(CancellationToken.None));
        source.Status = HttpStatusCode.OK;
        source.Body = "{\"as_of\": \"garbage\"}";
        Assert.False(await rates.RefreshAsync(CancellationToken.None));

        var (quote, _) = rates.Quote(M(100_00, Currency.USD), Currency.CNY);
        Assert.Equal((M(710_35, Currency.CNY), 7.1035m), (quote!.To, quote.Rate));
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(10), quote.ExpireTime);
        Assert.StartsWith("fxq_", quote.Id);

        clock.Advance(TimeSpan.FromMinutes(61));
        var (stale, problem) = rates.Quote(M(100_00, Currency.USD), Currency.CNY);
        Assert.Null(stale);
        Assert.Contains("stale", problem);
    }

    private sealed class Source : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
        public string Body { get; set; } = "";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(Status) { Content = new StringContent(Body) });
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
