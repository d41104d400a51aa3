using Microsoft.Extensions.Logging.Abstractions;
using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Reconciliation;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>Matching bank credits against a real store, as the camt.054 and the camt.053 report the same entries.</summary>
public sealed class BankReconciliationTests : LifecycleTestBase
{
    private BankReconciliation Reconciliation(SqliteDatabase database) =>
        new(new SqliteBankCreditStore(database), _store, _lifecycle, new ChannelRegistry([_channel]), new KeyedLock(), _clock, NullLogger<BankReconciliation>.Instance);

    private async Task<Payment> WaitingAsync(long amount)
    {
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        return await _lifecycle.CreateAsync(TestPayments.Merchant, new CreatePaymentCommand(null, new Money(amount, Currency.CNY), "Cluster", new CustomerInfo("enterprise", "", ""), null, null,
            new Dictionary<string, string>()), CancellationToken.None);
    }

    private static BankStatement Statement(string kind, params BankCredit[] credits) => new(kind, kind + "-1", "6222600100012345678", credits);

    private static BankCredit Credit(string entry, long amount, string? reference) =>
        new(entry, new Money(amount, Currency.CNY), reference, reference, null, [], new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26), "Payer", "6217");

    [Fact]
    public async Task SameEntryFromTheNotificationAndTheStatementAtOnce_IsMatchedOnce_NeverHeldAsADuplicate()
    {
        var payment = await WaitingAsync(50_000);
        var credit = Credit("E1", 50_000, payment.Attempts[0].Reference);
        var reconciliation = Reconciliation(Database);

        await Task.WhenAll(
            Task.Run(() => reconciliation.ApplyAsync("alipay", Statement("camt.054", credit), CancellationToken.None)),
            Task.Run(() => reconciliation.ApplyAsync("alipay", Statement("camt.053", credit), CancellationToken.None)));

        var record = await new SqliteBankCreditStore(Database).FindAsync("alipay", "E1", CancellationToken.None);
        Assert.Equal(BankCreditState.Matched, record!.State);
        Assert.Equal(PaymentState.Succeeded, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
        Assert.Empty(await new SqliteBankCreditStore(Database).InStateAsync(BankCreditState.Held, 10, CancellationToken.None));
    }

    [Fact]
    public async Task EntryWhoseMatchWasNotRecorded_IsRecognisedAsTheOneThatPaid()
    {
        var payment = await WaitingAsync(50_000);
        var credit = Credit("E2", 50_000, payment.Attempts[0].Reference);
        var reconciliation = Reconciliation(Database);
        await reconciliation.ApplyAsync("alipay", Statement("camt.054", credit), CancellationToken.None);
        // As if the gateway had stopped after applying the payment but before recording the match.
        await new SqliteBankCreditStore(Database).SettleAsync("alipay", "E2", BankCreditState.Received, null, "", null, CancellationToken.None);

        var outcome = await reconciliation.ApplyAsync("alipay", Statement("camt.053", credit), CancellationToken.None);

        Assert.Equal(BankCreditState.Matched, outcome.Single().State);
    }

    [Fact]
    public async Task EntryReportedAgainWithOtherContent_IsHeldBesideTheFirst()
    {
        var payment = await WaitingAsync(50_000);
        var reconciliation = Reconciliation(Database);
        await reconciliation.ApplyAsync("alipay", Statement("camt.054", Credit("E3", 50_000, payment.Attempts[0].Reference)), CancellationToken.None);

        var outcome = await reconciliation.ApplyAsync("alipay", Statement("camt.053", Credit("E3", 5_000, payment.Attempts[0].Reference)), CancellationToken.None);

        Assert.Equal(BankCreditState.Held, outcome.Single().State);
        Assert.Contains("reported again with other content", outcome.Single().Reason);
        Assert.Equal(BankCreditState.Matched, (await new SqliteBankCreditStore(Database).FindAsync("alipay", "E3", CancellationToken.None))!.State);
    }
}
