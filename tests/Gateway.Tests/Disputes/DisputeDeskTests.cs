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
    private CrashingDisputeStore _deskStore = null!;
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
        _deskStore = new CrashingDisputeStore(_disputes);
        _desk = new DisputeDesk(_deskStore, events, _lifecycle, rates, Options.Create(_disputeOptions), _clock, NullLogger<DisputeDesk>.Instance);
        _worker = new DisputeWorker(_deskStore, _desk, events, Options.Create(_disputeOptions), new SqliteWorkerLeases(Database, _clock), _clock,
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

    [Fact]
    public async Task Accept_RetriedAfterACrashBetweenRefundAndSave_WithTheVersionChangedMeanwhile_RefundsOnce()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        // The refund succeeds at the channel, then the gateway "crashes" before the dispute records it.
        _channel.RefundAnswers.Enqueue(() =>
        {
            _deskStore.CrashNextUpdate = true;
            return new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" };
        });
        _channel.RefundAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" });

        await Assert.ThrowsAsync<IOException>(() => _desk.AcceptAsync(Merchant, dispute.Id, 400, "", CancellationToken.None));
        // Meanwhile the dispute changes (a new version), then the merchant retries.
        await _desk.AddEvidenceAsync(Merchant, dispute.Id, "receipt", "r", [1], CancellationToken.None);
        var accepted = await _desk.AcceptAsync(Merchant, dispute.Id, 400, "", CancellationToken.None);

        var refund = Assert.Single((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Single(_channel.Refunds);
        Assert.Equal((DisputeState.Accepted, refund.Id, $"{dispute.Id}/refund"), (accepted.State, Assert.Single(accepted.RefundIds), refund.RequestId));
        Assert.Null(accepted.PendingRefund);
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.EvidenceAdded, DisputeEventTypes.Accepted], await DisputeEventsOfAsync(payment.Id));
    }

    [Fact]
    public async Task Accept_OnAnEscalatedDispute_IsRefused_AndAnAcceptDuringTheArbitrationsRefund_RefundsNothing()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        await _desk.EscalateAsync(Merchant, dispute.Id, "the payer insists", CancellationToken.None);

        var escalated = await Assert.ThrowsAsync<PaymentException>(() => _desk.AcceptAsync(Merchant, dispute.Id, 400, "", CancellationToken.None));
        Assert.Equal(ErrorCatalogue.DisputeStateForbids, escalated.Code);
        Assert.Empty(_channel.Refunds);

        // An accept arriving while the arbitration's refund is at the channel.
        Task<Dispute>? concurrent = null;
        _channel.RefundAnswers.Enqueue(() =>
        {
            concurrent = Task.Run(() => _desk.AcceptAsync(Merchant, dispute.Id, 400, "", CancellationToken.None));
            ((IAsyncResult)concurrent).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5));
            return new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" };
        });
        _channel.RefundAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" });
        var decided = await _desk.ArbitrateAsync(Operator, dispute.Id, ArbitrationOutcome.Refund, ["merchant", "payer"], 400, "", "the payer wins", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<PaymentException>(() => concurrent!);
        Assert.Equal(ErrorCatalogue.DisputeStateForbids, refused.Code);
        var refund = Assert.Single((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Single(_channel.Refunds);
        Assert.Equal((DisputeState.Arbitrated, refund.Id, refund.Id), (decided.State, decided.Arbitration!.RefundId, Assert.Single(decided.RefundIds)));
        // A second decision on the decided dispute is refused and changes nothing.
        var again = await Assert.ThrowsAsync<PaymentException>(() =>
            _desk.ArbitrateAsync(Operator, dispute.Id, ArbitrationOutcome.Refund, ["merchant", "payer"], 400, "", "again", CancellationToken.None));
        Assert.Equal(ErrorCatalogue.DisputeClosed, again.Code);
        Assert.Equal(decided.Version, (await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None)).Version);
        Assert.Single(_channel.Refunds);
    }

    [Fact]
    public async Task Accept_ACardChargeback_RecordsTheLoss_AndRefundsNothing()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment, DisputeSource.CardChargeback);

        var partial = await Assert.ThrowsAsync<PaymentException>(() => _desk.AcceptAsync(Merchant, dispute.Id, 400, "", CancellationToken.None));
        Assert.Equal((ErrorCatalogue.InvalidArgument, "amount_minor"), (partial.Code, Assert.Single(partial.Violations).Field));
        var accepted = await _desk.AcceptAsync(Merchant, dispute.Id, 0, "", CancellationToken.None);

        Assert.Equal((DisputeState.Accepted, 1000L), (accepted.State, accepted.ChargebackMinor));
        Assert.Empty(accepted.RefundIds);
        Assert.Empty((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Empty(_channel.Refunds);
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.Accepted], await DisputeEventsOfAsync(payment.Id));
    }

    [Fact]
    public async Task Arbitration_ForThePayer_OfACardChargeback_RecordsTheLoss_AndRefundsNothing()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment, DisputeSource.CardChargeback);
        await _desk.EscalateAsync(Merchant, dispute.Id, "the merchant contests the chargeback", CancellationToken.None);

        var decided = await _desk.ArbitrateAsync(Operator, dispute.Id, ArbitrationOutcome.Refund, ["merchant:" + TestPayments.Merchant, "issuer", "scheme"],
            1000, "", "the cardholder's claim stands", CancellationToken.None);

        Assert.Equal((DisputeState.Arbitrated, ArbitrationOutcome.Refund, 1000L), (decided.State, decided.Arbitration!.Outcome, decided.ChargebackMinor));
        Assert.Empty(decided.RefundIds);
        Assert.Empty((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Empty(_channel.Refunds);
    }

    [Fact]
    public async Task Accept_WithTheRefundLeftPending_IsNotClosed_UntilTheWorkerSeesTheRefundSucceed()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        _channel.RefundAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.RefundQueryAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));

        var pending = await _desk.AcceptAsync(Merchant, dispute.Id, 0, "", CancellationToken.None);

        var refund = Assert.Single((await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds);
        Assert.Equal(RefundState.Pending, refund.State);
        Assert.Equal((DisputeState.RefundPending, refund.Id), (pending.State, pending.PendingRefund!.RefundId));
        Assert.Empty(pending.RefundIds);
        Assert.Equal(0, await _worker.SweepAsync(CancellationToken.None));
        Assert.Equal(DisputeState.RefundPending, (await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None)).State);

        // The payments' worker learns the refund succeeded; the disputes' worker then closes the dispute.
        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        _channel.RefundQueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" });
        await NewWorker().SweepAsync(CancellationToken.None);
        Assert.Equal(1, await _worker.SweepAsync(CancellationToken.None));

        var accepted = await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None);
        Assert.Equal((DisputeState.Accepted, refund.Id), (accepted.State, Assert.Single(accepted.RefundIds)));
        Assert.Null(accepted.PendingRefund);
        Assert.Single(_channel.Refunds);
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.Accepted], await DisputeEventsOfAsync(payment.Id));
    }

    [Fact]
    public async Task Accept_WithTheRefundLeftPending_ThatLaterFails_RecordsTheFailure_AndCanBeAcceptedAgain()
    {
        var payment = await PaidAsync(1000);
        var dispute = await OpenAsync(payment);
        var notFound = () => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "10000" };
        _channel.RefundAnswers.Enqueue(() => ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", ""));
        _channel.RefundQueryAnswers.Enqueue(notFound);
        Assert.Equal(DisputeState.RefundPending, (await _desk.AcceptAsync(Merchant, dispute.Id, 0, "", CancellationToken.None)).State);

        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        _channel.RefundQueryAnswers.Enqueue(notFound);
        await NewWorker().SweepAsync(CancellationToken.None);
        Assert.Equal(1, await _worker.SweepAsync(CancellationToken.None));

        var failed = await _desk.GetAsync(Operator, dispute.Id, CancellationToken.None);
        Assert.Equal(DisputeState.Open, failed.State);
        Assert.Null(failed.PendingRefund);
        Assert.Equal([DisputeEventTypes.Opened, DisputeEventTypes.RefundFailed], await DisputeEventsOfAsync(payment.Id));

        _channel.RefundAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Succeeded, NativeCode = "10000" });
        var accepted = await _desk.AcceptAsync(Merchant, dispute.Id, 0, "", CancellationToken.None);

        var refunds = (await _lifecycle.GetAsync(TestPayments.Merchant, payment.Id, CancellationToken.None)).Refunds;
        Assert.Equal([RefundState.Failed, RefundState.Succeeded], refunds.Select(r => r.State));
        Assert.Equal($"{dispute.Id}/refund/2", refunds[1].RequestId);
        Assert.Equal((DisputeState.Accepted, refunds[1].Id), (accepted.State, Assert.Single(accepted.RefundIds)));
    }

    /// <summary>The real store, which can "crash" (throw) on the next save, as a process dying before it wrote.</summary>
    private sealed class CrashingDisputeStore(IDisputeStore inner) : IDisputeStore
    {
        public bool CrashNextUpdate { get; set; }

        public Task<bool> TryUpdateAsync(Dispute dispute, long expectedVersion, DisputeEvidenceContent? evidence, DisputePayout? payout, CancellationToken cancellationToken)
        {
            if (CrashNextUpdate)
            {
                CrashNextUpdate = false;
                throw new IOException("crashed before the save");
            }
            return inner.TryUpdateAsync(dispute, expectedVersion, evidence, payout, cancellationToken);
        }

        public Task<bool> TryInsertAsync(Dispute dispute, CancellationToken cancellationToken) => inner.TryInsertAsync(dispute, cancellationToken);
        public Task<Dispute?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);
        public Task<Dispute?> FindByAcquirerIdAsync(string acquirerDisputeId, CancellationToken cancellationToken) => inner.FindByAcquirerIdAsync(acquirerDisputeId, cancellationToken);
        public Task<IReadOnlyList<Dispute>> ListAsync(DisputeFilter filter, DisputeCursor? after, int limit, CancellationToken cancellationToken) =>
            inner.ListAsync(filter, after, limit, cancellationToken);
        public Task<IReadOnlyList<Dispute>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => inner.ListDueAsync(now, limit, cancellationToken);
        public Task<IReadOnlyList<Dispute>> ListUnresolvedOpenedBeforeAsync(DateTimeOffset openedBefore, int limit, CancellationToken cancellationToken) =>
            inner.ListUnresolvedOpenedBeforeAsync(openedBefore, limit, cancellationToken);
        public Task<IReadOnlyList<Dispute>> ListUnpublishedAsync(int limit, CancellationToken cancellationToken) => inner.ListUnpublishedAsync(limit, cancellationToken);
        public Task MarkPublishedAsync(string disputeId, int through, CancellationToken cancellationToken) => inner.MarkPublishedAsync(disputeId, through, cancellationToken);
        public Task<IReadOnlyList<DisputePayout>> ListPayoutsAsync(string disputeId, CancellationToken cancellationToken) => inner.ListPayoutsAsync(disputeId, cancellationToken);
        public Task<byte[]?> GetEvidenceContentAsync(string evidenceId, CancellationToken cancellationToken) => inner.GetEvidenceContentAsync(evidenceId, cancellationToken);
        public Task<IReadOnlyList<Payment>> ListUnscreenedSuccessesAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
            inner.ListUnscreenedSuccessesAsync(since, limit, cancellationToken);
        public Task<IReadOnlyList<ScreenedPayment>> CustomerHistoryAsync(string merchantId, string customerId, string excludePaymentId, int limit,
            CancellationToken cancellationToken) => inner.CustomerHistoryAsync(merchantId, customerId, excludePaymentId, limit, cancellationToken);
        public Task<bool> RecordScreeningAsync(ScreenedPayment screened, Dispute? opened, CancellationToken cancellationToken) =>
            inner.RecordScreeningAsync(screened, opened, cancellationToken);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in these tests");
    }
}
