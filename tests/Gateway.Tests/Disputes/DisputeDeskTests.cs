using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Fx;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Storage.Sqlite;
using Paygate.Gateway.Tests.Payments;

namespace Paygate.Gateway.Tests.Disputes;

/// <summary>The dispute desk and worker over the payment core, a real SQLite store and a fake clock that the tests advance.</summary>
public sealed class DisputeDeskTests : LifecycleTestBase, IAsyncLifetime
{
    private readonly DisputeOptions _disputeOptions = new();
    private SqliteDisputeStore _disputes = null!;
    private DisputeDesk _desk = null!;
    private DisputeWorker _worker = null!;

    private static readonly DisputeActor Merchant = new("key_merchant", TestPayments.Merchant);
    private static readonly DisputeActor Operator = new("key_operator", null);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _disputes = new SqliteDisputeStore(Database);
        var registry = new ChannelRegistry([_channel]);
        var health = new ChannelHealth(Options.Create(new ResilienceOptions()), _clock);
        var calls = new ChannelCalls(Options.Create(new ResilienceOptions()), health, _clock, NullLogger<ChannelCalls>.Instance);
        var events = new DisputeEvents(_disputes, _store, registry, calls, new PaymentSignals(), _clock, NullLogger<DisputeEvents>.Instance);
        var rates = new FxRates(new NoHttp(), Options.Create(new FxOptions()), _clock, NullLogger<FxRates>.Instance);
        _desk = new DisputeDesk(_disputes, events, _lifecycle, rates, Options.Create(_disputeOptions), _clock, NullLogger<DisputeDesk>.Instance);
        _worker = new DisputeWorker(_disputes, _desk, events, Options.Create(_disputeOptions), new SqliteWorkerLeases(Database, _clock), _clock,
            NullLogger<DisputeWorker>.Instance);
    }

    private async Task<Payment> PaidAsync(long amount, string customer = "cus_1", string country = "CN")
    {
        _channel.CreateAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000", ChannelTransactionId = "T" + Guid.NewGuid().ToString("N") });
        var command = new CreatePaymentCommand(null, new Money(amount, Currency.CNY), "Cloud server", new CustomerInfo("personal", country, "pc", customer), null, null,
            new Dictionary<string, string>());
        var payment = await _lifecycle.CreateAsync(TestPayments.Merchant, command, CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, payment.State);
        return payment;
    }

    private async Task<Dispute> OpenAsync(Payment payment, DisputeSource source = DisputeSource.Screening)
    {
        var dispute = _desk.New(payment.Id, payment.MerchantId, source, payment.AmountMinor, payment.Currency, "test", null, null, null, null);
        Assert.True(await _disputes.TryInsertAsync(dispute, CancellationToken.None));
        await _desk.OpenedAsync(dispute, CancellationToken.None);
        return dispute;
    }

    private async Task<List<string>> DisputeEventsOfAsync(string paymentId) =>
        [.. (await _store.EventsAsync(paymentId, 0, CancellationToken.None)).Where(e => DisputeEventTypes.IsDisputeEvent(e.Type)).Select(e => e.Type)];

    [Fact]
    public async Task Worker_ASuccessFarFromTheCustomersUsualAmount_OpensADisputeWithItsReport_OnceAndAsAnEvent()
    {
        for (var i = 0; i < 3; i++)
        {
            await PaidAsync(1000);
        }
        Assert.Equal(0, await _worker.SweepAsync(CancellationToken.None));
        var odd = await PaidAsync(1300);

        Assert.Equal(1, await _worker.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.SweepAsync(CancellationToken.None));

        var dispute = Assert.Single(await _disputes.ListAsync(new DisputeFilter(null), null, 10, CancellationToken.None));
        Assert.Equal((odd.Id, DisputeSource.Screening, DisputeState.Open, DisputeLevel.Automatic, 1300L), (dispute.PaymentId, dispute.Source, dispute.State, dispute.Level, dispute.AmountMinor));
        var deviation = Assert.Single(dispute.Report!.Deviations);
        Assert.Equal(("amount", "30.0", 1000L, 3), (deviation.Kind, deviation.DeviationPercent, dispute.Report.UsualAmountMinor, dispute.Report.HistorySize));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromHours(24), dispute.DueTime);
        Assert.Equal([DisputeEventTypes.Opened], await DisputeEventsOfAsync(odd.Id));
        var evt = (await _store.EventsAsync(odd.Id, 0, CancellationToken.None)).Single(e => e.Type == DisputeEventTypes.Opened);
        Assert.Equal(dispute.Id, DisputeJson.Deserialize(evt.Detail!).Id);
        Assert.Equal(PaymentState.Succeeded, evt.State);
    }

    [Fact]
    public async Task Worker_ASuccessNotScreenedWithinItsFirst15Minutes_IsNotChecked()
    {
        for (var i = 0; i < 3; i++)
        {
            await PaidAsync(1000);
        }
        await _worker.SweepAsync(CancellationToken.None);
        var late = await PaidAsync(9000, country: "US");
        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Empty(await _disputes.ListAsync(new DisputeFilter(null), null, 10, CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(0, await _worker.SweepAsync(CancellationToken.None));
        Assert.Empty(await _disputes.ListAsync(new DisputeFilter(null), null, 10, CancellationToken.None));
        Assert.DoesNotContain(await _disputes.CustomerHistoryAsync(TestPayments.Merchant, "cus_1", "none", 10, CancellationToken.None), h => h.PaymentId == late.Id);
    }

    [Fact]
    public async Task Worker_DueTimePassedUnanswered_IsABreach_MarkedOnceWithItsEvent_WhenTheClockGetsThere()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        var answered = await OpenAsync(await PaidAsync(1000));
        await _desk.ContestAsync(Merchant, answered.Id, "delivered, signed for", CancellationToken.None);

        _clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _worker.SweepAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _worker.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.SweepAsync(CancellationToken.None));

        var breached = await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None);
        Assert.True(breached.DueBreached);
        Assert.Equal(DisputeState.Open, breached.State);
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.DueBreached], await DisputeEventsOfAsync(payment.Id));
        Assert.False((await _desk.GetAsync(Operator, answered.Id, CancellationToken.None)).DueBreached);
    }

    [Fact]
    public async Task Worker_ADisputeOpenSevenDays_GoesToArbitration()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        await _desk.ContestAsync(Merchant, dispute.Id, "we shipped it", CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await _worker.SweepAsync(CancellationToken.None);
        Assert.Equal(DisputeState.Contested, (await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None)).State);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _worker.SweepAsync(CancellationToken.None);

        var escalated = await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None);
        Assert.Equal((DisputeState.Escalated, DisputeLevel.Arbitration, "open 7 days (at least 7 days)"), (escalated.State, escalated.Level, escalated.EscalationReason));
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.Contested, DisputeEventTypes.Escalated], await DisputeEventsOfAsync(payment.Id));
    }

    [Fact]
    public async Task New_500000CnyOrMore_IsEscalatedAtOnce()
    {
        var payment = await PaidAsync(50_000_000);
        var dispute = await OpenAsync(payment);

        Assert.Equal((DisputeState.Escalated, DisputeLevel.Arbitration), (dispute.State, dispute.Level));
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.Escalated], await DisputeEventsOfAsync(payment.Id));
    }

    [Fact]
    public async Task Accept_Partially_RefundsThroughTheNormalPath_AndClosesTheDispute()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        _channel.RefundAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" });

        var accepted = await _desk.AcceptAsync(Merchant, dispute.Id, 400, "", CancellationToken.None);

        var refunded = await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None);
        var refund = Assert.Single(refunded.Refunds);
        Assert.Equal((400L, RefundState.Succeeded), (refund.AmountMinor, refund.State));
        Assert.Equal((DisputeState.Accepted, DisputeLevel.Manual, refund.Id), (accepted.State, accepted.Level, Assert.Single(accepted.RefundIds)));
        Assert.Equal(400, Assert.Single(_channel.Refunds).Amount.AmountMinor);

        var closed = await Assert.ThrowsAsync<PaymentException>(() => _desk.ContestAsync(Merchant, dispute.Id, "too late", CancellationToken.None));
        Assert.Equal(ErrorCatalogue.DisputeClosed, closed.Code);
    }

    [Fact]
    public async Task BadRequests_AreRefused_AndChangeNothing()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        _disputeOptions.MaxEvidenceBytes = 10;

        var tooBig = await Assert.ThrowsAsync<PaymentException>(() => _desk.AddEvidenceAsync(Merchant, dispute.Id, "receipt", "r", new byte[11], CancellationToken.None));
        Assert.Equal((ErrorCatalogue.DisputeEvidenceTooLarge, "content"), (tooBig.Code, Assert.Single(tooBig.Violations).Field));
        var over = await Assert.ThrowsAsync<PaymentException>(() => _desk.AcceptAsync(Merchant, dispute.Id, 1001, "", CancellationToken.None));
        Assert.Equal((ErrorCatalogue.DisputeAmountExceeded, "amount_minor"), (over.Code, Assert.Single(over.Violations).Field));
        var notMine = await Assert.ThrowsAsync<PaymentException>(() => _desk.GetAsync(new DisputeActor("key_x", "mch_other"), dispute.Id, CancellationToken.None));
        Assert.Equal(ErrorCatalogue.DisputeNotFound, notMine.Code);
        var unknown = await Assert.ThrowsAsync<PaymentException>(() => _desk.ContestAsync(Merchant, DisputeIds.NewDisputeId(), "x", CancellationToken.None));
        Assert.Equal(ErrorCatalogue.DisputeNotFound, unknown.Code);
        var notEscalated = await Assert.ThrowsAsync<PaymentException>(() =>
            _desk.ArbitrateAsync(Operator, dispute.Id, ArbitrationOutcome.Rejected, ["merchant", "payer"], 0, "", "no", CancellationToken.None));
        Assert.Equal(ErrorCatalogue.DisputeStateForbids, notEscalated.Code);
        var byMerchant = await Assert.ThrowsAsync<PaymentException>(() =>
            _desk.ArbitrateAsync(Merchant, dispute.Id, ArbitrationOutcome.Rejected, ["merchant", "payer"], 0, "", "no", CancellationToken.None));
        Assert.Equal(ErrorCatalogue.PermissionDenied, byMerchant.Code);

        var after = await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None);
        Assert.Equal((1L, DisputeState.Open, 0, 1), (after.Version, after.State, after.Evidence.Count, after.History.Count));
        Assert.Empty((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Empty(_channel.Refunds);
    }

    [Fact]
    public async Task Arbitration_Compensation_IsASeparatePayoutRecord_ListedOnTheDispute_AndThePaymentIsNotRefunded()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        await _desk.AddEvidenceAsync(Merchant, dispute.Id, "receipt", "signed delivery note", [1, 2, 3], CancellationToken.None);
        await _desk.EscalateAsync(Merchant, dispute.Id, "the payer insists", CancellationToken.None);

        var decided = await _desk.ArbitrateAsync(Operator, dispute.Id, ArbitrationOutcome.Compensation, ["merchant:" + TestPayments.Merchant, "payer:cus_1", "arbitrator:CIETAC"],
            300, "payer:cus_1", "late delivery: partial compensation", CancellationToken.None);

        Assert.Equal((DisputeState.Arbitrated, ArbitrationOutcome.Compensation, 3), (decided.State, decided.Arbitration!.Outcome, decided.Arbitration.Parties.Count));
        var payout = Assert.Single(await _desk.PayoutsAsync(decided, CancellationToken.None));
        Assert.Equal((decided.Arbitration.PayoutId, "payer:cus_1", 300L, "CNY"), (payout.Id, payout.Payee, payout.AmountMinor, payout.Currency));
        Assert.Empty((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.EvidenceAdded, DisputeEventTypes.Escalated, DisputeEventTypes.Arbitrated],
            await DisputeEventsOfAsync(payment.Id));
        var evidence = Assert.Single(decided.Evidence);
        Assert.Equal([1, 2, 3], await _disputes.GetEvidenceContentAsync(evidence.Id, CancellationToken.None));
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in these tests");
    }
}
