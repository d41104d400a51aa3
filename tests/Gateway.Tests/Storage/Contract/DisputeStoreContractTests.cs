using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>Disputes, their evidence and payouts, and the screening's record, the same on both stores.</summary>
public sealed class DisputeStoreContractTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    public static TheoryData<string> Providers => TestStores.Providers;

    private Dispute NewDispute(string paymentId, string merchantId = TestPayments.Merchant, string? acquirerId = null, DisputeState state = DisputeState.Open,
        TimeSpan? due = null)
    {
        var now = _clock.GetUtcNow();
        var dispute = new Dispute
        {
            Id = DisputeIds.NewDisputeId(),
            MerchantId = merchantId,
            PaymentId = paymentId,
            State = state,
            Level = DisputeLevel.Automatic,
            Source = acquirerId is null ? DisputeSource.Screening : DisputeSource.CardChargeback,
            AmountMinor = 12_000,
            Currency = "CNY",
            Reason = "test",
            AcquirerDisputeId = acquirerId,
            Report = new DisputeReport("cus_1", 3, 10_000, [new DisputeDeviation("amount", "12000", "10000", "20.5", "amount off")], "summary"),
            DueTime = now + (due ?? TimeSpan.FromHours(24)),
            CreateTime = now,
        };
        dispute.Record(DisputeEventTypes.Opened, "gateway", "opened", now);
        return dispute;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Insert_GetAndFindByAcquirerId_RoundTrip_AndASecondDisputeWithTheSameAcquirerIdIsRefused(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var dispute = NewDispute("pay_1", acquirerId: "dsp_a");

        Assert.True(await stores.Disputes.TryInsertAsync(dispute, CancellationToken.None));
        Assert.False(await stores.Disputes.TryInsertAsync(NewDispute("pay_2", acquirerId: "dsp_a"), CancellationToken.None));

        var read = await stores.Disputes.GetAsync(dispute.Id, CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(DisputeJson.Serialize(dispute), DisputeJson.Serialize(read));
        Assert.Equal((1L, 0), (read.Version, read.PublishedThrough));
        Assert.Equal("20.5", read.Report!.Deviations[0].DeviationPercent);
        Assert.Equal(dispute.Id, (await stores.Disputes.FindByAcquirerIdAsync("dsp_a", CancellationToken.None))?.Id);
        Assert.Null(await stores.Disputes.FindByAcquirerIdAsync("dsp_b", CancellationToken.None));
        Assert.Null(await stores.Disputes.GetAsync(DisputeIds.NewDisputeId(), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUpdate_SavesWithEvidenceAndPayoutInOneUnit_AndRefusesAStaleVersion(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var dispute = NewDispute("pay_1");
        await stores.Disputes.TryInsertAsync(dispute, CancellationToken.None);

        var stale = (await stores.Disputes.GetAsync(dispute.Id, CancellationToken.None))!;
        dispute.State = DisputeState.Arbitrated;
        dispute.Evidence.Add(new DisputeEvidenceItem("dpe_1", "receipt", "the receipt", 3, "abc", "key_1", _clock.GetUtcNow()));
        var payout = new DisputePayout("po_1", dispute.Id, dispute.MerchantId, "payer:cus_1", 5_000, "CNY", _clock.GetUtcNow());
        dispute.PayoutIds.Add(payout.Id);
        dispute.Record(DisputeEventTypes.Arbitrated, "key_op", "compensation", _clock.GetUtcNow());
        Assert.True(await stores.Disputes.TryUpdateAsync(dispute, 1, new DisputeEvidenceContent("dpe_1", dispute.Id, [1, 2, 3]), payout, CancellationToken.None));
        Assert.Equal(2, dispute.Version);

        stale.State = DisputeState.Contested;
        Assert.False(await stores.Disputes.TryUpdateAsync(stale, 1, new DisputeEvidenceContent("dpe_2", dispute.Id, [9]), null, CancellationToken.None));

        var read = (await stores.Disputes.GetAsync(dispute.Id, CancellationToken.None))!;
        Assert.Equal((DisputeState.Arbitrated, 2L, 2), (read.State, read.Version, read.History.Count));
        Assert.Equal([1, 2, 3], await stores.Disputes.GetEvidenceContentAsync("dpe_1", CancellationToken.None));
        Assert.Null(await stores.Disputes.GetEvidenceContentAsync("dpe_2", CancellationToken.None));
        Assert.Equal(payout, Assert.Single(await stores.Disputes.ListPayoutsAsync(dispute.Id, CancellationToken.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_NewestFirst_ByMerchantAndFilters_PagesAfterTheCursor(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var mine = new List<Dispute>();
        for (var i = 0; i < 5; i++)
        {
            var d = NewDispute($"pay_{i % 2}", state: i == 4 ? DisputeState.Contested : DisputeState.Open);
            await stores.Disputes.TryInsertAsync(d, CancellationToken.None);
            mine.Add(d);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        await stores.Disputes.TryInsertAsync(NewDispute("pay_x", merchantId: "mch_other"), CancellationToken.None);

        var first = await stores.Disputes.ListAsync(new DisputeFilter(TestPayments.Merchant), null, 3, CancellationToken.None);
        Assert.Equal(mine.AsEnumerable().Reverse().Take(3).Select(d => d.Id), first.Select(d => d.Id));
        var rest = await stores.Disputes.ListAsync(new DisputeFilter(TestPayments.Merchant), new DisputeCursor(first[^1].CreateTime, first[^1].Id), 10, CancellationToken.None);
        Assert.Equal([mine[1].Id, mine[0].Id], rest.Select(d => d.Id));
        Assert.Equal(6, (await stores.Disputes.ListAsync(new DisputeFilter(null), null, 10, CancellationToken.None)).Count);
        Assert.Equal([mine[4].Id], (await stores.Disputes.ListAsync(new DisputeFilter(TestPayments.Merchant, DisputeState.Contested), null, 10, CancellationToken.None)).Select(d => d.Id));
        Assert.Equal([mine[3].Id, mine[1].Id], (await stores.Disputes.ListAsync(new DisputeFilter(TestPayments.Merchant, DisputeState.Open, "pay_1"), null, 10, CancellationToken.None))
            .Select(d => d.Id));
        Assert.Empty(await stores.Disputes.ListAsync(new DisputeFilter(TestPayments.Merchant, Level: DisputeLevel.Arbitration), null, 10, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WorkerLists_FindDueOpenOnes_OldUnresolvedOnes_AndUnpublishedChanges(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var soon = NewDispute("pay_1", due: TimeSpan.FromHours(1));
        var later = NewDispute("pay_2", due: TimeSpan.FromHours(72));
        var contested = NewDispute("pay_3", state: DisputeState.Contested, due: TimeSpan.FromHours(1));
        foreach (var d in new[] { soon, later, contested })
        {
            await stores.Disputes.TryInsertAsync(d, CancellationToken.None);
        }
        var now = _clock.GetUtcNow() + TimeSpan.FromHours(2);

        Assert.Equal([soon.Id], (await stores.Disputes.ListDueAsync(now, 10, CancellationToken.None)).Select(d => d.Id));
        soon.DueBreached = true;
        await stores.Disputes.TryUpdateAsync(soon, 1, null, null, CancellationToken.None);
        Assert.Empty(await stores.Disputes.ListDueAsync(now, 10, CancellationToken.None));

        Assert.Equal(3, (await stores.Disputes.ListUnresolvedOpenedBeforeAsync(_clock.GetUtcNow(), 10, CancellationToken.None)).Count);
        Assert.Empty(await stores.Disputes.ListUnresolvedOpenedBeforeAsync(_clock.GetUtcNow().AddSeconds(-1), 10, CancellationToken.None));

        Assert.Equal(3, (await stores.Disputes.ListUnpublishedAsync(10, CancellationToken.None)).Count);
        await stores.Disputes.MarkPublishedAsync(soon.Id, 1, CancellationToken.None);
        await stores.Disputes.MarkPublishedAsync(later.Id, 1, CancellationToken.None);
        await stores.Disputes.MarkPublishedAsync(later.Id, 0, CancellationToken.None);
        Assert.Equal([contested.Id], (await stores.Disputes.ListUnpublishedAsync(10, CancellationToken.None)).Select(d => d.Id));
        Assert.Equal(1, (await stores.Disputes.GetAsync(later.Id, CancellationToken.None))!.PublishedThrough);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Screening_FindsUnscreenedRecentSuccesses_RecordsEachOnce_WithItsDispute_AndKeepsTheCustomersHistory(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var old = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded);
        await stores.Payments.InsertAsync(old, PaymentEventTypes.Created, null, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(20));
        var recent = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded, amount: 5000);
        var processing = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(recent, PaymentEventTypes.Created, null, CancellationToken.None);
        await stores.Payments.InsertAsync(processing, PaymentEventTypes.Created, null, CancellationToken.None);

        var since = _clock.GetUtcNow() - TimeSpan.FromMinutes(15);
        Assert.Equal([recent.Id], (await stores.Disputes.ListUnscreenedSuccessesAsync(since, 10, CancellationToken.None)).Select(p => p.Id));

        var earlier = new ScreenedPayment("pay_e", TestPayments.Merchant, "cus_1", 1000, "CNY", "alipay", "CN", _clock.GetUtcNow().AddDays(-1));
        Assert.True(await stores.Disputes.RecordScreeningAsync(earlier, null, CancellationToken.None));
        var screened = new ScreenedPayment(recent.Id, TestPayments.Merchant, "cus_1", 5000, "CNY", "alipay", "CN", _clock.GetUtcNow());
        var opened = NewDispute(recent.Id);
        Assert.True(await stores.Disputes.RecordScreeningAsync(screened, opened, CancellationToken.None));
        Assert.False(await stores.Disputes.RecordScreeningAsync(screened, NewDispute(recent.Id), CancellationToken.None));

        Assert.Empty(await stores.Disputes.ListUnscreenedSuccessesAsync(since, 10, CancellationToken.None));
        Assert.Single(await stores.Disputes.ListAsync(new DisputeFilter(null, PaymentId: recent.Id), null, 10, CancellationToken.None));
        Assert.Equal([screened, earlier], await stores.Disputes.CustomerHistoryAsync(TestPayments.Merchant, "cus_1", "pay_none", 10, CancellationToken.None));
        Assert.Equal([earlier], await stores.Disputes.CustomerHistoryAsync(TestPayments.Merchant, "cus_1", recent.Id, 10, CancellationToken.None));
        Assert.Empty(await stores.Disputes.CustomerHistoryAsync("mch_other", "cus_1", "pay_none", 10, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentInstances_ScreeningOneSuccessOrOpeningOneCardDispute_HaveOneWinner(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var instances = provider == TestStores.Postgres ? [stores, await stores.AnotherInstanceAsync()] : new[] { stores };
        var screened = new ScreenedPayment("pay_1", TestPayments.Merchant, "cus_1", 5000, "CNY", "alipay", "CN", _clock.GetUtcNow());

        var screenings = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            instances[i % instances.Length].Disputes.RecordScreeningAsync(screened, NewDispute("pay_1"), CancellationToken.None)));
        var openings = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            instances[i % instances.Length].Disputes.TryInsertAsync(NewDispute("pay_2", acquirerId: "dsp_same"), CancellationToken.None)));

        Assert.Single(screenings, won => won);
        Assert.Single(openings, won => won);
        Assert.Single(await stores.Disputes.ListAsync(new DisputeFilter(null, PaymentId: "pay_1"), null, 10, CancellationToken.None));
        Assert.Single(await stores.Disputes.ListAsync(new DisputeFilter(null, PaymentId: "pay_2"), null, 10, CancellationToken.None));
    }
}
