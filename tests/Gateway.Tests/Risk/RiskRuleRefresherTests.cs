using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Risk;
using static Paygate.Gateway.Tests.Risk.RiskTestRules;

namespace Paygate.Gateway.Tests.Risk;

public sealed class RiskRuleRefresherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("paygate-risk-").FullName;
    private readonly MemoryRuleStore _store = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly RecordingLogger<RiskEngine> _engineLog = new();
    private readonly RecordingLogger<RiskRuleRefresher> _refresherLog = new();
    private readonly RiskEngine _engine;
    private readonly RiskRuleRefresher _refresher;

    public RiskRuleRefresherTests()
    {
        File.WriteAllText(Path.Combine(_folder, "rules.json"), """{ "lists": { "customers": { "entries": ["cus_bad"] } } }""");
        var options = Options.Create(new RiskOptions { RulesFile = "rules.json", BaseDirectory = _folder });
        _engine = new RiskEngine(options, _engineLog);
        _refresher = new RiskRuleRefresher(_store, _engine, options, _clock, _refresherLog);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Start_OnAnEmptyStore_StoresTheConfiguredRulesAsVersion1AndDecidesByThem()
    {
        await _refresher.RefreshAsync(CancellationToken.None);

        var stored = Assert.Single(_store.Versions);
        Assert.Equal((1, "config", 1L), (stored.Version, stored.CreatedBy, stored.ListEntries));
        Assert.Equal(RiskOutcome.Block, _engine.Assess(Request(customerId: "cus_bad")).Outcome);
        Assert.Equal(1, _engine.Assess(Request()).RuleSetVersion);
    }

    [Fact]
    public async Task Refresh_PicksUpANewerVersionFromAnotherInstance()
    {
        await _refresher.RefreshAsync(CancellationToken.None);
        await _store.AddAsync(1, """{ "lists": { "customers": { "entries": ["cus_other"] } } }""", "key_x", Now, 1, null, CancellationToken.None);

        await _refresher.RefreshAsync(CancellationToken.None);

        Assert.Equal(RiskOutcome.Allow, _engine.Assess(Request(customerId: "cus_bad")).Outcome);
        Assert.Equal(RiskOutcome.Block, _engine.Assess(Request(customerId: "cus_other")).Outcome);
    }

    [Fact]
    public async Task Start_WithTheStoreDown_FailsClosedAndSaysSo()
    {
        _store.Down = true;

        await _refresher.StartAsync(CancellationToken.None);
        await _refresher.StopAsync(CancellationToken.None);

        var assessment = _engine.Assess(Request());
        Assert.Equal(RiskOutcome.Block, assessment.Outcome);
        Assert.Equal("risk.unavailable", Assert.Single(assessment.Hits).Rule);
        Assert.Contains(_refresherLog.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("fails closed", StringComparison.Ordinal));
        Assert.Contains(_engineLog.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("fails closed", StringComparison.Ordinal));

        _store.Down = false;
        await _refresher.RefreshAsync(CancellationToken.None);
        Assert.Equal(RiskOutcome.Allow, _engine.Assess(Request()).Outcome);
    }

    [Fact]
    public async Task Refresh_WithTheStoreDownLater_KeepsTheRulesInForce()
    {
        await _refresher.RefreshAsync(CancellationToken.None);
        _store.Down = true;

        await Assert.ThrowsAsync<IOException>(() => _refresher.RefreshAsync(CancellationToken.None));

        Assert.Equal(RiskOutcome.Block, _engine.Assess(Request(customerId: "cus_bad")).Outcome);
        Assert.Equal(RiskOutcome.Allow, _engine.Assess(Request()).Outcome);
    }

    [Fact]
    public async Task Refresh_AStoredVersionThisInstanceCannotCompile_KeepsTheRulesInForce()
    {
        await _refresher.RefreshAsync(CancellationToken.None);
        await _store.AddAsync(1, """{ "sanctions": { "names_file": "missing.txt" } }""", "key_x", Now, 1, null, CancellationToken.None);

        await _refresher.RefreshAsync(CancellationToken.None);

        Assert.Equal(1, _engine.InForce!.Version);
        Assert.Contains(_refresherLog.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("sanctions.names_file", StringComparison.Ordinal));
    }

    internal sealed class MemoryRuleStore : IRiskRuleStore
    {
        private readonly Lock _sync = new();
        public List<RiskRuleVersion> Versions { get; } = [];
        public bool Down { get; set; }

        private void Check()
        {
            if (Down)
            {
                throw new IOException("store down");
            }
        }

        public Task<long> LatestVersionAsync(CancellationToken cancellationToken)
        {
            Check();
            lock (_sync)
            {
                return Task.FromResult(Versions.Count == 0 ? 0L : Versions[^1].Version);
            }
        }

        public Task<RiskRuleVersion?> GetAsync(long version, CancellationToken cancellationToken)
        {
            Check();
            lock (_sync)
            {
                return Task.FromResult(Versions.FirstOrDefault(v => v.Version == version));
            }
        }

        public Task<RiskRuleVersion?> AddAsync(long after, string document, string createdBy, DateTimeOffset time, long listEntries, AuditEntry? audit,
            CancellationToken cancellationToken)
        {
            Check();
            lock (_sync)
            {
                if ((Versions.Count == 0 ? 0 : Versions[^1].Version) != after)
                {
                    return Task.FromResult<RiskRuleVersion?>(null);
                }
                var version = new RiskRuleVersion(after + 1, document, createdBy, time, listEntries);
                Versions.Add(version);
                return Task.FromResult<RiskRuleVersion?>(version);
            }
        }

        public Task<IReadOnlyList<RiskRuleVersion>> ListAsync(long? beforeVersion, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}

/// <summary>A logger that keeps what it was told.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _sync = new();
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_sync)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_sync)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
