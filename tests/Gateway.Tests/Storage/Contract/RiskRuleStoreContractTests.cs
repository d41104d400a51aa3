using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>The risk rule set's versions, the same on both stores: numbered without gaps, one winner per version, audited with it.</summary>
public sealed class RiskRuleStoreContractTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    public static TheoryData<string> Providers => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Add_NumbersVersionsFrom1_AndGetReturnsTheDocument(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        Assert.Equal(0, await stores.RiskRules.LatestVersionAsync(CancellationToken.None));

        var first = await stores.RiskRules.AddAsync(0, "{}", "config", _clock.GetUtcNow(), 0, null, CancellationToken.None);
        var second = await stores.RiskRules.AddAsync(1, """{ "lists": {} }""", "key_1", _clock.GetUtcNow().AddMinutes(1), 42, null, CancellationToken.None);

        Assert.Equal(1, first?.Version);
        Assert.Equal(2, second?.Version);
        Assert.Equal(2, await stores.RiskRules.LatestVersionAsync(CancellationToken.None));
        var read = await stores.RiskRules.GetAsync(2, CancellationToken.None);
        Assert.Equal(("""{ "lists": {} }""", "key_1", 42L, _clock.GetUtcNow().AddMinutes(1)), (read!.Document, read.CreatedBy, read.ListEntries, read.CreateTime));
        Assert.Null(await stores.RiskRules.GetAsync(3, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Add_FromAVersionNoLongerTheNewest_WritesNothing(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        await stores.RiskRules.AddAsync(0, "{}", "config", _clock.GetUtcNow(), 0, null, CancellationToken.None);
        await stores.RiskRules.AddAsync(1, "{}", "key_1", _clock.GetUtcNow(), 0, null, CancellationToken.None);
        var audit = AuditEntry.New(_clock.GetUtcNow(), "key_2", AuditActions.RiskRulesUpdated, "risk_rules/2", null, "version=2");

        Assert.Null(await stores.RiskRules.AddAsync(1, """{ "late": 1 }""", "key_2", _clock.GetUtcNow(), 0, audit, CancellationToken.None));
        Assert.Null(await stores.RiskRules.AddAsync(5, "{}", "key_2", _clock.GetUtcNow(), 0, audit, CancellationToken.None));

        Assert.Equal("{}", (await stores.RiskRules.GetAsync(2, CancellationToken.None))!.Document);
        Assert.DoesNotContain(await stores.Merchants.ListAuditAsync(null, 100, CancellationToken.None), a => a.Action == AuditActions.RiskRulesUpdated);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Add_Concurrently_FromTheSameVersion_HasOneWinner(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = provider == TestStores.Postgres ? [stores, await stores.AnotherInstanceAsync()] : new[] { stores };
        await stores.RiskRules.AddAsync(0, "{}", "config", _clock.GetUtcNow(), 0, null, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            instances[i % instances.Length].RiskRules.AddAsync(1, $$"""{ "n": {{i}} }""", $"key_{i}", _clock.GetUtcNow(), 0, null, CancellationToken.None)));

        Assert.Single(results, r => r is not null);
        Assert.Equal(2, await stores.RiskRules.LatestVersionAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Add_WithAnAuditEntry_RecordsItInTheSameUnit(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var audit = AuditEntry.New(_clock.GetUtcNow(), "key_op", AuditActions.RiskRulesUpdated, "risk_rules/1", null, "version=1");

        await stores.RiskRules.AddAsync(0, "{}", "key_op", _clock.GetUtcNow(), 0, audit, CancellationToken.None);

        var entry = Assert.Single(await stores.Merchants.ListAuditAsync(null, 100, CancellationToken.None), a => a.Action == AuditActions.RiskRulesUpdated);
        Assert.Equal(("key_op", "risk_rules/1"), (entry.Actor, entry.Target));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_IsNewestFirst_WithoutDocuments_AndPagesByVersion(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        for (var v = 0; v < 5; v++)
        {
            await stores.RiskRules.AddAsync(v, $$"""{ "v": {{v}} }""", "config", _clock.GetUtcNow(), v, null, CancellationToken.None);
        }

        var first = await stores.RiskRules.ListAsync(null, 2, CancellationToken.None);
        var next = await stores.RiskRules.ListAsync(first[^1].Version, 10, CancellationToken.None);

        Assert.Equal([5L, 4L], first.Select(v => v.Version));
        Assert.Equal([3L, 2L, 1L], next.Select(v => v.Version));
        Assert.All(first.Concat(next), v => Assert.Equal("", v.Document));
        Assert.Equal(4, first[0].ListEntries);
    }
}
