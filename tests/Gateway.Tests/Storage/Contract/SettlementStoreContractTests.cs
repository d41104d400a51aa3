using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Settlement;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>
/// Settlement runs, marks and mismatches, the same on both stores: a day's result is replaced whole by the day's next run
/// (idempotent re-runs), a failed run leaves it as it was, and the candidates of a day are the payments that may hold its successes.
/// </summary>
public sealed class SettlementStoreContractTests
{
    private static readonly DateOnly Day = new(2026, 11, 28);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));

    public static TheoryData<string> Providers => TestStores.Providers;

    private SettlementRun Run(string id, SettlementRunState state = SettlementRunState.Succeeded, DateOnly? day = null) =>
        new(id, "alipay", day ?? Day, state, state == SettlementRunState.Succeeded ? "2088_20261128.csv.zip" : null, 3, 1, 2, 0,
            state == SettlementRunState.Failed ? "PM-6063" : null, state == SettlementRunState.Failed ? "5 fields, the header has 25" : null, state == SettlementRunState.Failed ? 7 : 0,
            "worker", _clock.GetUtcNow(), _clock.GetUtcNow().AddSeconds(2));

    private static SettlementMark Mark(string reference, string runId, DateOnly? day = null, SettlementLineKind kind = SettlementLineKind.Payment, string payment = "pay_1") =>
        new("alipay", kind, reference, payment, "att_1", day ?? Day, 1000, "CNY", 6, "2088_20261128.csv.zip", runId);

    private static SettlementMismatch Mismatch(string reference, string runId, SettlementMismatchKind kind, DateOnly? day = null, string? refundReference = null) =>
        new(runId, "alipay", day ?? Day, kind, refundReference is null ? SettlementLineKind.Payment : SettlementLineKind.Refund, reference, refundReference, "pay_2", null, 1000, 999, "CNY",
            "TRADE_SUCCESS", "SUCCEEDED", 7, false, "the channel settled 1000 CNY, the gateway collected 999 CNY");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveRun_KeepsTheRunItsMarksAndItsMismatches(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);

        await stores.Settlement.SaveRunAsync(Run("sr_1"), [Mark("R1", "sr_1")],
            [Mismatch("R2", "sr_1", SettlementMismatchKind.AmountDiffers), Mismatch("R3", "sr_1", SettlementMismatchKind.MissingAtChannel) with { Resolved = true }], CancellationToken.None);

        var run = Assert.Single(await stores.Settlement.ListRunsAsync(null, null, 10, CancellationToken.None));
        Assert.Equal(Run("sr_1") with { Sequence = run.Sequence }, run);
        Assert.True(run.Sequence > 0);
        Assert.Equal(Mark("R1", "sr_1"), await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Payment, "R1", CancellationToken.None));
        Assert.Null(await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Refund, "R1", CancellationToken.None));
        Assert.Equal([Mark("R1", "sr_1")], await stores.Settlement.MarksOfPaymentAsync("pay_1", CancellationToken.None));
        var mismatches = await stores.Settlement.ListMismatchesAsync("alipay", Day, null, 10, CancellationToken.None);
        Assert.Equal([("R3", SettlementMismatchKind.MissingAtChannel, true), ("R2", SettlementMismatchKind.AmountDiffers, false)],
            mismatches.Select(m => (m.Reference, m.Kind, m.Resolved)));
        Assert.Equal(Mismatch("R2", "sr_1", SettlementMismatchKind.AmountDiffers) with { Sequence = mismatches[1].Sequence }, mismatches[1]);
        Assert.Empty(await stores.Settlement.ListMismatchesAsync("wechatpay", null, null, 10, CancellationToken.None));
        Assert.Empty(await stores.Settlement.ListMismatchesAsync(null, Day.AddDays(1), null, 10, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveRun_AgainForTheDay_ReplacesTheDaysResultButKeepsOtherDays(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var other = Day.AddDays(-1);
        await stores.Settlement.SaveRunAsync(Run("sr_0", day: other), [Mark("R0", "sr_0", other)], [Mismatch("R9", "sr_0", SettlementMismatchKind.MissingAtGateway, other)],
            CancellationToken.None);
        await stores.Settlement.SaveRunAsync(Run("sr_1"), [Mark("R1", "sr_1")], [Mismatch("R2", "sr_1", SettlementMismatchKind.AmountDiffers)], CancellationToken.None);

        await stores.Settlement.SaveRunAsync(Run("sr_2"), [Mark("R2", "sr_2")], [Mismatch("R4", "sr_2", SettlementMismatchKind.StateDiffers)], CancellationToken.None);

        Assert.Null(await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Payment, "R1", CancellationToken.None));
        Assert.Equal("sr_2", (await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Payment, "R2", CancellationToken.None))?.RunId);
        Assert.Equal("sr_0", (await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Payment, "R0", CancellationToken.None))?.RunId);
        Assert.Equal(["R4"], (await stores.Settlement.ListMismatchesAsync("alipay", Day, null, 10, CancellationToken.None)).Select(m => m.Reference));
        Assert.Equal(["R9"], (await stores.Settlement.ListMismatchesAsync("alipay", other, null, 10, CancellationToken.None)).Select(m => m.Reference));
        Assert.Equal(["sr_2", "sr_1", "sr_0"], (await stores.Settlement.ListRunsAsync("alipay", null, 10, CancellationToken.None)).Select(r => r.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveRun_MarkingATransactionAnotherDayLeftOut_ClearsThatDaysMissingAtChannel(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        await stores.Settlement.SaveRunAsync(Run("sr_1"), [],
            [Mismatch("R1", "sr_1", SettlementMismatchKind.MissingAtChannel), Mismatch("R1", "sr_1", SettlementMismatchKind.MissingAtChannel, refundReference: "R1F01"),
                Mismatch("R5", "sr_1", SettlementMismatchKind.MissingAtChannel)], CancellationToken.None);

        // It settled across midnight: the next day's file has the payment and its refund.
        await stores.Settlement.SaveRunAsync(Run("sr_2", day: Day.AddDays(1)),
            [Mark("R1", "sr_2", Day.AddDays(1)), Mark("R1F01", "sr_2", Day.AddDays(1), SettlementLineKind.Refund)], [], CancellationToken.None);

        Assert.Equal(["R5"], (await stores.Settlement.ListMismatchesAsync("alipay", Day, null, 10, CancellationToken.None)).Select(m => m.Reference));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveRun_OfALaterDay_KeepsTheFirstDaysMarkOfATransaction(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        await stores.Settlement.SaveRunAsync(Run("sr_1"), [Mark("R1", "sr_1")], [Mismatch("R7", "sr_1", SettlementMismatchKind.MissingAtChannel)], CancellationToken.None);

        // A later file settles R1 again (the run reports it as a duplicate; the store must not move the mark either).
        await stores.Settlement.SaveRunAsync(Run("sr_2", day: Day.AddDays(1)), [Mark("R1", "sr_2", Day.AddDays(1))], [], CancellationToken.None);

        var mark = await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Payment, "R1", CancellationToken.None);
        Assert.Equal(Mark("R1", "sr_1"), mark);
        Assert.Equal(["R7"], (await stores.Settlement.ListMismatchesAsync("alipay", Day, null, 10, CancellationToken.None)).Select(m => m.Reference));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveFailedRun_LeavesTheDaysResultAsItWas(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        await stores.Settlement.SaveRunAsync(Run("sr_1"), [Mark("R1", "sr_1")], [Mismatch("R2", "sr_1", SettlementMismatchKind.AmountDiffers)], CancellationToken.None);

        await stores.Settlement.SaveFailedRunAsync(Run("sr_2", SettlementRunState.Failed), CancellationToken.None);

        Assert.NotNull(await stores.Settlement.FindMarkAsync("alipay", SettlementLineKind.Payment, "R1", CancellationToken.None));
        Assert.Single(await stores.Settlement.ListMismatchesAsync(null, null, null, 10, CancellationToken.None));
        var failed = (await stores.Settlement.ListRunsAsync(null, null, 10, CancellationToken.None))[0];
        Assert.Equal(("sr_2", SettlementRunState.Failed, "PM-6063", 7, (string?)null), (failed.Id, failed.State, failed.ErrorCode, failed.ErrorLine, failed.FileName));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListRuns_PagesNewestFirstBelowASequence(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        foreach (var id in new[] { "sr_1", "sr_2", "sr_3" })
        {
            await stores.Settlement.SaveFailedRunAsync(Run(id, SettlementRunState.Failed), CancellationToken.None);
        }

        var first = await stores.Settlement.ListRunsAsync(null, null, 2, CancellationToken.None);
        var rest = await stores.Settlement.ListRunsAsync("alipay", first[^1].Sequence, 2, CancellationToken.None);

        Assert.Equal(["sr_3", "sr_2"], first.Select(r => r.Id));
        Assert.Equal(["sr_1"], rest.Select(r => r.Id));
        Assert.Empty(await stores.Settlement.ListRunsAsync("card", null, 2, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Candidates_AreTheChannelsPaymentsCreatedBeforeTheDaysEndAndChangedSinceItsStart(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var from = _clock.GetUtcNow();
        var to = from.AddDays(1);
        var before = TestPayments.New(new FakeTimeProvider(from.AddHours(-2)), PaymentState.Succeeded, AttemptState.Succeeded);
        await stores.Payments.InsertAsync(before, PaymentEventTypes.Created, null, CancellationToken.None);
        var inDay = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var payment = TestPayments.New(new FakeTimeProvider(from.AddHours(1 + i)), PaymentState.Succeeded, AttemptState.Succeeded);
            await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            inDay.Add(payment.Id);
        }
        var after = TestPayments.New(new FakeTimeProvider(to.AddHours(1)), PaymentState.Succeeded, AttemptState.Succeeded);
        await stores.Payments.InsertAsync(after, PaymentEventTypes.Created, null, CancellationToken.None);

        var first = await stores.Settlement.CandidatesAsync("alipay", from, to, null, 2, CancellationToken.None);
        var second = await stores.Settlement.CandidatesAsync("alipay", from, to, first[^1].Id, 2, CancellationToken.None);

        Assert.Equal(inDay.Order(StringComparer.Ordinal), first.Concat(second).Select(p => p.Id));
        Assert.Empty(await stores.Settlement.CandidatesAsync("wechatpay", from, to, null, 10, CancellationToken.None));
    }
}
