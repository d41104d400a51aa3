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
        new(new SqliteBankCreditStore(database), _store, _lifecycle, new ChannelRegistry([_channel]), new ProcessLocks(new KeyedLock()), _clock, NullLogger<BankReconciliation>.Instance);

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

    private static BankCredit Reversal(string entry, long amount, string? reference) => Credit(entry, amount, reference) with { IsReversal = true };

    [Fact]
    public async Task ReversalOfTheCreditThatPaid_FlagsThePaymentReversedOnce_AndIsHeld()
    {
        var payment = await WaitingAsync(50_000);
        var reference = payment.Attempts[0].Reference;
        var reconciliation = Reconciliation(Database);
        await reconciliation.ApplyAsync("alipay", Statement("camt.054", Credit("E4", 50_000, reference)), CancellationToken.None);

        var outcome = await reconciliation.ApplyAsync("alipay", Statement("camt.054", Reversal("R4", 50_000, reference)), CancellationToken.None);
        await reconciliation.ApplyAsync("alipay", Statement("camt.053", Credit("E4", 50_000, reference), Reversal("R4", 50_000, reference)), CancellationToken.None);

        Assert.Equal((BankCreditState.Held, payment.Id, -50_000L), (outcome.Single().State, outcome.Single().PaymentId, outcome.Single().AmountMinor));
        var store = new SqliteBankCreditStore(Database);
        Assert.Equal(BankCreditState.Reversed, (await store.FindAsync("alipay", "E4", CancellationToken.None))!.State);
        Assert.Equal(["R4"], (await store.InStateAsync(BankCreditState.Held, 10, CancellationToken.None)).Select(c => c.AccountServicerReference));
        var after = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal((PaymentState.Succeeded, true, 0L), (after.State, after.Reversed, after.RefundableMinor));
        Assert.Single(await _store.EventsAsync(payment.Id, 0, CancellationToken.None), e => e.Type == PaymentEventTypes.Reversed);
        await Assert.ThrowsAsync<PaymentException>(() => _lifecycle.RefundAsync(TestPayments.Merchant, payment.Id, 0, "refund", null, null, CancellationToken.None));
        await Assert.ThrowsAsync<PaymentException>(() => reconciliation.ReturnAsync("op", "alipay", "R4", CancellationToken.None));
    }

    [Fact]
    public async Task ReversalOfAHeldCredit_MarksItReversed_AndLeavesNothingToReview()
    {
        var payment = await WaitingAsync(50_000);
        var reference = payment.Attempts[0].Reference;
        var reconciliation = Reconciliation(Database);
        await reconciliation.ApplyAsync("alipay", Statement("camt.054", Credit("E5", 40_000, reference)), CancellationToken.None);

        var outcome = await reconciliation.ApplyAsync("alipay", Statement("camt.054", Reversal("R5", 40_000, reference)), CancellationToken.None);

        Assert.Equal(BankCreditState.Matched, outcome.Single().State);
        var store = new SqliteBankCreditStore(Database);
        var original = (await store.FindAsync("alipay", "E5", CancellationToken.None))!;
        Assert.Equal(BankCreditState.Reversed, original.State);
        Assert.Contains("under-payment", original.Reason);
        Assert.Empty(await store.InStateAsync(BankCreditState.Held, 10, CancellationToken.None));
        Assert.False((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Reversed);
    }

    [Fact]
    public async Task ReversalOfNoKnownCredit_IsHeld()
    {
        var outcome = await Reconciliation(Database).ApplyAsync("alipay", Statement("camt.054", Reversal("R6", 10_000, "NOSUCHREFERENCE")), CancellationToken.None);

        Assert.Equal(BankCreditState.Held, outcome.Single().State);
        Assert.Contains("names no credit", outcome.Single().Reason);
    }

    [Fact]
    public async Task ReversalThatCouldNameEitherOfTwoCredits_IsHeld_AndChangesNeither()
    {
        var payment = await WaitingAsync(50_000);
        var reference = payment.Attempts[0].Reference;
        var reconciliation = Reconciliation(Database);
        await reconciliation.ApplyAsync("alipay", Statement("camt.054", Credit("E9", 50_000, reference), Credit("E10", 50_000, reference)), CancellationToken.None);

        var outcome = await reconciliation.ApplyAsync("alipay", Statement("camt.054", Reversal("R9", 50_000, reference)), CancellationToken.None);

        Assert.Equal(BankCreditState.Held, outcome.Single().State);
        Assert.Contains("could reverse any of entries", outcome.Single().Reason);
        Assert.Contains("E9", outcome.Single().Reason);
        Assert.Contains("E10", outcome.Single().Reason);
        var store = new SqliteBankCreditStore(Database);
        Assert.Equal((BankCreditState.Matched, BankCreditState.Held),
            ((await store.FindAsync("alipay", "E9", CancellationToken.None))!.State, (await store.FindAsync("alipay", "E10", CancellationToken.None))!.State));
        Assert.False((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Reversed);
    }

    [Fact]
    public async Task CreditInACurrencyTheGatewayDoesNotCollect_IsHeld_AndFlagsThePaymentItNames()
    {
        var payment = await WaitingAsync(50_000);
        Assert.True(BankCurrency.TryFind("CHF", out var chf));
        var credit = Credit("E7", 50_000, payment.Attempts[0].Reference) with { Amount = new Money(50_000, chf), BookingDate = null, ValueDate = null };

        var outcome = await Reconciliation(Database).ApplyAsync("alipay", Statement("camt.054", credit), CancellationToken.None);

        Assert.Equal((BankCreditState.Held, payment.Id, "CHF", ""), (outcome.Single().State, outcome.Single().PaymentId, outcome.Single().Currency, outcome.Single().BookingDate));
        Assert.Contains("not a currency the gateway collects", outcome.Single().Reason);
        var after = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        Assert.Equal((PaymentState.RequiresAction, true), (after.State, after.Flagged));
    }

    [Fact]
    public async Task EntryThatCannotBeReadWhole_IsHeld_WithoutTouchingThePayment()
    {
        var payment = await WaitingAsync(50_000);
        var credit = Credit("E8", 0, payment.Attempts[0].Reference) with { Problem = "amount 'abc' is not a positive CNY amount" };

        var outcome = await Reconciliation(Database).ApplyAsync("alipay", Statement("camt.054", credit), CancellationToken.None);

        Assert.Equal(BankCreditState.Held, outcome.Single().State);
        Assert.Contains("amount 'abc'", outcome.Single().Reason);
        Assert.Equal(PaymentState.RequiresAction, (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).State);
    }
}
