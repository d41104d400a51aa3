using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Risk;

/// <summary>
/// Keeps the engine on the newest rule set version in the store. At start it loads it, or, on a store that has none, stores the
/// configured rules (<see cref="RiskOptions.RulesFile"/>) as version 1; then it looks for a newer version every
/// <see cref="RiskOptions.RefreshInterval"/> (another instance on the shared database may have made one). A store that cannot be
/// read at start leaves the engine failing closed until a later try succeeds; a later failure keeps the rules in force.
/// </summary>
public sealed class RiskRuleRefresher(IRiskRuleStore store, RiskEngine engine, IOptions<RiskOptions> options, TimeProvider clock, ILogger<RiskRuleRefresher> logger)
    : BackgroundService
{
    /// <summary>Who made the version stored from configuration.</summary>
    public const string ConfigAuthor = "config";

    private long _refused;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the gateway takes payments: the first decisions should be by the rules, not a fail-closed refusal.
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.FailingClosed(e);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (engine.InForce is { } inForce)
                {
                    logger.RefreshFailed(inForce.Version, e);
                }
                else
                {
                    logger.FailingClosed(e);
                }
            }
        }
    }

    /// <summary>Puts the newest stored version in force if it is newer than the one in force (seeding version 1 first if there is none).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var latest = await store.LatestVersionAsync(cancellationToken);
        if (latest == 0)
        {
            latest = await SeedAsync(cancellationToken);
        }
        var inForce = engine.InForce?.Version ?? 0;
        if (latest <= inForce || latest == Interlocked.Read(ref _refused))
        {
            return;
        }
        var version = await store.GetAsync(latest, cancellationToken) ?? throw new InvalidOperationException($"risk rule set version {latest} vanished");
        RiskRuleSet rules;
        try
        {
            rules = RiskRuleParser.Parse(version.Document, options.Value.BaseDirectory);
        }
        catch (RiskRuleException e)
        {
            // A version stored by an instance that could read a file this one cannot (or by an older gateway): said once, not every tick.
            Interlocked.Exchange(ref _refused, latest);
            logger.VersionRefused(latest, e.Message, inForce);
            return;
        }
        engine.Apply(version, rules);
    }

    private async Task<long> SeedAsync(CancellationToken cancellationToken)
    {
        var file = Path.GetFullPath(options.Value.RulesFile, options.Value.BaseDirectory);
        var document = await File.ReadAllTextAsync(file, cancellationToken);
        // Refused here, a bad configured rule set stops nothing else: the engine fails closed and says why.
        var rules = RiskRuleParser.Parse(document, options.Value.BaseDirectory);
        var added = await store.AddAsync(0, document, ConfigAuthor, clock.GetUtcNow(), rules.ListEntries, null, cancellationToken);
        if (added is not null)
        {
            logger.Seeded(file, added.Version);
            return added.Version;
        }
        // Another instance seeded first.
        return await store.LatestVersionAsync(cancellationToken);
    }
}
