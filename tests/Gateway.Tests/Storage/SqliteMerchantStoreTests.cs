using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Security;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Storage;

public sealed class SqliteMerchantStoreTests : IAsyncLifetime
{
    private MerchantTestDatabase _test = null!;
    private SqliteMerchantStore _store = null!;
    private MerchantAdministration _admin = null!;

    private FakeTimeProvider _clock => _test.Clock;

    private SqliteDatabase _database => _test.Database;

    public async Task InitializeAsync()
    {
        _test = await MerchantTestDatabase.OpenAsync();
        _store = new SqliteMerchantStore(_test.Database);
        _admin = _test.Administration(_store);
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    [Fact]
    public async Task Keys_AreFoundByTheHashOfTheirSecret_AndTheSecretIsNowhereInTheFile()
    {
        var merchant = await _admin.CreateMerchantAsync("test", "Acme", new RateLimit(5, 10), CancellationToken.None);
        var (key, secret) = await _admin.CreateKeyAsync("test", merchant.Id, "checkout", null, CancellationToken.None);
        var (operatorKey, _) = await _admin.CreateKeyAsync("test", null, "ops", null, CancellationToken.None);

        var found = await _store.FindKeyByHashAsync(ApiKeySecret.Hash(secret), CancellationToken.None);
        Assert.Equal((key.Id, KeyRole.Merchant, merchant.Id), (found!.Id, found.Role, found.MerchantId));
        Assert.Equal([operatorKey.Id], (await _store.ListKeysAsync(null, CancellationToken.None)).Select(k => k.Id));
        Assert.Equal([key.Id], (await _store.ListKeysAsync(merchant.Id, CancellationToken.None)).Select(k => k.Id));
        Assert.Equal(new RateLimit(5, 10), (await _store.GetMerchantAsync(merchant.Id, CancellationToken.None))!.RateLimit);
        var file = await _test.FileTextAsync();
        Assert.DoesNotContain(secret[12..], file, StringComparison.Ordinal);
        Assert.Contains(secret[..12], file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_KeepsTheFirstRevocationTime_AndAuditsEachAction()
    {
        var merchant = await _admin.CreateMerchantAsync("op-1", "Acme", null, CancellationToken.None);
        var (key, _) = await _admin.CreateKeyAsync("op-1", merchant.Id, "", null, CancellationToken.None);
        var first = await _admin.RevokeKeyAsync("op-1", key.Id, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var second = await _admin.RevokeKeyAsync("op-2", key.Id, CancellationToken.None);

        Assert.Equal(first.RevokeTime, second.RevokeTime);
        Assert.False(second.IsActiveAt(_clock.GetUtcNow()));
        var audit = await _store.ListAuditAsync(null, 10, CancellationToken.None);
        Assert.Equal(["api_key.revoked", "api_key.revoked", "api_key.created", "merchant.created"], audit.Select(a => a.Action));
        Assert.Equal(["op-2", "op-1", "op-1", "op-1"], audit.Select(a => a.Actor));
        Assert.All(audit, a => Assert.Equal(merchant.Id, a.MerchantId));
    }

    [Fact]
    public async Task AdoptUnowned_GivesPaymentsFromBeforeMerchantsToOne()
    {
        var payments = new SqlitePaymentStore(_database);
        var old = TestPayments.New(_clock, merchantId: ""); // as stored before merchants existed
        await payments.InsertAsync(old, new PaymentChange(PaymentEventTypes.Created), new IdempotencyRecord("", "create", "k", "f", old.Id, _clock.GetUtcNow()), CancellationToken.None);
        var merchant = await _admin.CreateMerchantAsync("sandbox", "Sandbox merchant", null, CancellationToken.None);

        var adopted = await _store.AdoptUnownedAsync(merchant.Id, AuditEntry.New(_clock.GetUtcNow(), "sandbox", "merchant.adopted_unowned", merchant.Id, merchant.Id), CancellationToken.None);

        Assert.Equal(1, adopted);
        Assert.Equal(merchant.Id, (await payments.GetAsync(old.Id, CancellationToken.None))!.MerchantId);
        Assert.Equal([old.Id], (await payments.ListAsync(merchant.Id, null, null, 10, CancellationToken.None)).Select(p => p.Id));
        Assert.NotNull(await payments.FindIdempotencyAsync(merchant.Id, "create", "k", CancellationToken.None));
        Assert.Single(await payments.AllEventsAsync(merchant.Id, 0, 10, CancellationToken.None));
    }
}
