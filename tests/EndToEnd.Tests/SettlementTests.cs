using Grpc.Core;
using Paygate.Simulators.Settlement;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>The gateway's settlement worker is off (the tests run days on demand) and a payer is asked about only after an hour.</summary>
public sealed class SettlementFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Settlement:Enabled"] = "false",
        ["Paygate:AwaitingPayerQueries:0"] = "01:00:00",
    };
}

/// <summary>
/// Settlement reconciliation through the real gateway against the four simulated networks' own daily files: payments and
/// refunds on every channel are settled and marked; each kind of mismatch, injected at the networks, is reported; a
/// payment the gateway still waits for but the file shows paid is resolved by asking the channel; a file that does not parse
/// fails the run and changes nothing; running a day again gives the same result.
/// </summary>
public sealed class SettlementTests(SettlementFixture fixture) : IClassFixture<SettlementFixture>, IDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly HttpClient _browser = new();
    private GatewayUnderTest Gateway => fixture.Gateway;
    private SettlementService.SettlementServiceClient Settlement => new(Gateway.Operator);

    public void Dispose()
    {
        foreach (var faults in new[] { fixture.Simulators.Alipay.Settlement, fixture.Simulators.WeChatPay.Settlement, fixture.Simulators.UnionPay.Settlement, fixture.Simulators.Card.Settlement })
        {
            faults.Plan = new SettlementFaultPlan();
        }
        fixture.Simulators.Alipay.Notifier.Pause = false;
        _browser.Dispose();
    }

    private static string Today(string channel) =>
        DateTimeOffset.UtcNow.ToOffset(channel == "card" ? TimeSpan.Zero : Beijing).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A payment the payer pays at the network; with <paramref name="waitForSuccess"/>, once the gateway has heard of it.</summary>
    private async Task<Payment> PaidAsync(string channel, long amount, bool waitForSuccess = true)
    {
        if (channel == "card")
        {
            var card = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(amount: amount));
            Assert.Equal(Payment.Types.State.Succeeded, card.State);
            return card;
        }
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(amount, channel: channel));
        var reference = created.Attempts[0].ChannelReference;
        if (channel == "unionpay")
        {
            using (await _browser.PostAsync(created.NextAction.RedirectUrl, new FormUrlEncodedContent(created.NextAction.RedirectForm)))
            {
            }
            Assert.Null(fixture.Simulators.UnionPay.BuyerPays(reference));
        }
        else
        {
            Assert.Null(fixture.Simulators.BuyerPays(channel, created.NextAction.QrCode));
        }
        return waitForSuccess ? await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded) : created;
    }

    private async Task<Refund> RefundAsync(string paymentId, long amount)
    {
        var refund = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = paymentId, AmountMinor = amount, Reason = "returned goods" });
        Assert.Equal(Refund.Types.State.Succeeded, refund.State);
        return refund;
    }

    private async Task<SettlementRun> RunAsync(string channel) =>
        await Settlement.RunSettlementAsync(new RunSettlementRequest { Channel = channel, SettleDate = Today(channel) });

    private async Task<IReadOnlyList<SettlementMismatch>> MismatchesAsync(string channel) =>
        (await Settlement.ListSettlementMismatchesAsync(new ListSettlementMismatchesRequest { Channel = channel, SettleDate = Today(channel), PageSize = 500 })).Mismatches;

    private async Task<IReadOnlyList<SettledItem>> ItemsAsync(string paymentId) =>
        (await Settlement.ListSettledItemsAsync(new ListSettledItemsRequest { PaymentId = paymentId })).Items;

    [Theory]
    [InlineData("alipay", 60)]
    [InlineData("wechatpay", 60)]
    [InlineData("unionpay", 50)]
    [InlineData("card", 290)]
    public async Task PaymentsAndRefunds_InTheChannelsFile_AreSettledWithTheFeeAndTheFile_AndARerunChangesNothing(string channel, int feeBasisPoints)
    {
        var amount = channel == "card" ? 15_000L : 9_900L;
        var paid = await PaidAsync(channel, amount);
        var refund = await RefundAsync(paid.Id, 1_000);

        var run = await RunAsync(channel);

        Assert.Equal((SettlementRun.Types.State.Succeeded, channel, Today(channel), ""), (run.State, run.Channel, run.SettleDate, run.ErrorCode));
        Assert.StartsWith("sr_", run.Id, StringComparison.Ordinal);
        Assert.True(run.Lines >= 2 && run.Settled >= 2, $"{run.Lines} lines, {run.Settled} settled");
        var items = await ItemsAsync(paid.Id);
        Assert.Equal([("PAYMENT", paid.Attempts[0].ChannelReference, paid.Attempts[0].Id, amount), ("REFUND", refund.ChannelReference, refund.Id, 1_000L)],
            items.Select(i => (i.TransactionType, i.Reference, i.TargetId, i.AmountMinor)));
        Assert.Equal((long)Math.Round(amount * feeBasisPoints / 10_000m, MidpointRounding.AwayFromZero), items[0].FeeMinor);
        Assert.All(items, i => Assert.Equal((Today(channel), run.FileName, run.Id), (i.SettleDate, i.FileName, i.RunId)));
        Assert.DoesNotContain(await MismatchesAsync(channel), m => m.PaymentId == paid.Id);

        var again = await RunAsync(channel);

        Assert.NotEqual(run.Id, again.Id);
        Assert.Equal((run.Lines, run.Settled, run.Mismatches), (again.Lines, again.Settled, again.Mismatches));
        Assert.Equal(items.Select(i =>
        {
            var copy = i.Clone();
            copy.RunId = again.Id;
            return copy;
        }), await ItemsAsync(paid.Id));
        var runs = (await Settlement.ListSettlementRunsAsync(new ListSettlementRunsRequest { Channel = channel })).Runs;
        Assert.Equal([again.Id, run.Id], runs.Take(2).Select(r => r.Id));
    }

    [Fact]
    public async Task EveryKindOfMismatch_InjectedAtTheNetworks_IsReported_AndAPaymentTheGatewayStillAwaits_IsResolvedByQuery()
    {
        // Alipay: the buyer paid but the notification never came; the gateway still shows the QR code.
        fixture.Simulators.Alipay.Notifier.Pause = true;
        var unheard = await PaidAsync("alipay", 4_400, waitForSuccess: false);
        Assert.Equal(Payment.Types.State.RequiresAction, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = unheard.Id })).State);
        // WeChat Pay reports one payment with another amount, and another as failed (PAYERROR).
        var otherAmount = await PaidAsync("wechatpay", 5_500);
        var reportedFailed = await PaidAsync("wechatpay", 5_600);
        fixture.Simulators.WeChatPay.Settlement.Plan = new SettlementFaultPlan
        {
            Amounts = new Dictionary<string, long> { [otherAmount.Attempts[0].ChannelReference] = 5_499 },
            States = new Dictionary<string, string> { [reportedFailed.Attempts[0].ChannelReference] = "PAYERROR" },
        };
        // UnionPay leaves a consume out of its file.
        var leftOut = await PaidAsync("unionpay", 6_600);
        fixture.Simulators.UnionPay.Settlement.Plan = new SettlementFaultPlan { Drop = [leftOut.Attempts[0].ChannelReference] };
        // The acquirer reports a capture nobody made, and leaves a refund out.
        var refunded = await PaidAsync("card", 20_000);
        var refundLeftOut = await RefundAsync(refunded.Id, 5_000);
        fixture.Simulators.Card.Settlement.Plan = new SettlementFaultPlan
        {
            Drop = [refundLeftOut.ChannelReference],
            Unknown = [new UnknownSettlementLine("NOBODYSORDER01", 12_345)],
        };

        var alipay = await RunAsync("alipay");
        var wechat = await RunAsync("wechatpay");
        var unionpay = await RunAsync("unionpay");
        var card = await RunAsync("card");

        // Resolved: the gateway asked Alipay, which confirmed the payment; it is now SUCCEEDED and settled.
        var resolved = Assert.Single(await MismatchesAsync("alipay"), m => m.PaymentId == unheard.Id);
        Assert.Equal((SettlementMismatch.Types.Kind.StateDiffers, true, "REQUIRES_ACTION", "TRADE_SUCCESS"), (resolved.Kind, resolved.Resolved, resolved.GatewayState, resolved.ChannelState));
        Assert.Contains("asked alipay", resolved.Note, StringComparison.Ordinal);
        Assert.True(alipay.Resolved >= 1);
        Assert.Equal(Payment.Types.State.Succeeded, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = unheard.Id })).State);
        Assert.Equal(["PAYMENT"], (await ItemsAsync(unheard.Id)).Select(i => i.TransactionType));

        var wechatMismatches = await MismatchesAsync("wechatpay");
        var amount = Assert.Single(wechatMismatches, m => m.PaymentId == otherAmount.Id);
        Assert.Equal((SettlementMismatch.Types.Kind.AmountDiffers, 5_499L, 5_500L, false), (amount.Kind, amount.ChannelAmountMinor, amount.GatewayAmountMinor, amount.Resolved));
        Assert.True(amount.Line > 1);
        var state = Assert.Single(wechatMismatches, m => m.PaymentId == reportedFailed.Id);
        Assert.Equal((SettlementMismatch.Types.Kind.StateDiffers, "PAYERROR", "SUCCEEDED", false), (state.Kind, state.ChannelState, state.GatewayState, state.Resolved));
        Assert.Empty(await ItemsAsync(otherAmount.Id));
        Assert.Empty(await ItemsAsync(reportedFailed.Id));

        var missing = Assert.Single(await MismatchesAsync("unionpay"), m => m.PaymentId == leftOut.Id);
        Assert.Equal((SettlementMismatch.Types.Kind.MissingAtChannel, "PAYMENT", 0, 6_600L), (missing.Kind, missing.TransactionType, missing.Line, missing.GatewayAmountMinor));
        Assert.Empty(await ItemsAsync(leftOut.Id));

        var cardMismatches = await MismatchesAsync("card");
        var unknown = Assert.Single(cardMismatches, m => m.Reference == "NOBODYSORDER01");
        Assert.Equal((SettlementMismatch.Types.Kind.MissingAtGateway, 12_345L, "", ""), (unknown.Kind, unknown.ChannelAmountMinor, unknown.PaymentId, unknown.GatewayState));
        var refundMissing = Assert.Single(cardMismatches, m => m.RefundId == refundLeftOut.Id);
        Assert.Equal((SettlementMismatch.Types.Kind.MissingAtChannel, "REFUND", refundLeftOut.ChannelReference), (refundMissing.Kind, refundMissing.TransactionType, refundMissing.RefundReference));
        Assert.Equal(["PAYMENT"], (await ItemsAsync(refunded.Id)).Select(i => i.TransactionType));

        Assert.All(new[] { alipay, wechat, unionpay, card }, r => Assert.Equal(SettlementRun.Types.State.Succeeded, r.State));

        // The networks' files are right again: a re-run of the day settles what was only misreported, and the mismatches go.
        Dispose();
        await RunAsync("unionpay");
        Assert.DoesNotContain(await MismatchesAsync("unionpay"), m => m.PaymentId == leftOut.Id);
        Assert.Equal(["PAYMENT"], (await ItemsAsync(leftOut.Id)).Select(i => i.TransactionType));
    }

    [Fact]
    public async Task AFileThatDoesNotParse_FailsTheRunWithItsLine_AndChangesNothing()
    {
        var paid = await PaidAsync("wechatpay", 7_700);
        var good = await RunAsync("wechatpay");
        var items = await ItemsAsync(paid.Id);
        var mismatches = await MismatchesAsync("wechatpay");
        Assert.NotEmpty(items);

        fixture.Simulators.WeChatPay.Settlement.Plan = new SettlementFaultPlan
        {
            Drop = [paid.Attempts[0].ChannelReference], // would be a mismatch, if anything were applied
            CorruptLine = 2,
        };
        var failed = await RunAsync("wechatpay");

        Assert.Equal((SettlementRun.Types.State.Failed, "PM-6063", 2, 0), (failed.State, failed.ErrorCode, failed.ErrorLine, failed.Settled));
        Assert.Contains("backtick", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(items, await ItemsAsync(paid.Id));
        Assert.Equal(mismatches, await MismatchesAsync("wechatpay"));
        var runs = (await Settlement.ListSettlementRunsAsync(new ListSettlementRunsRequest { Channel = "wechatpay", PageSize = 2 })).Runs;
        Assert.Equal([failed.Id, good.Id], runs.Select(r => r.Id));
    }

    [Fact]
    public async Task AnOrderAndARefundListedTwice_AreDuplicatesAtTheChannel_SettledOnce()
    {
        var paid = await PaidAsync("card", 30_000);
        var refund = await RefundAsync(paid.Id, 7_000);
        fixture.Simulators.Card.Settlement.Plan = new SettlementFaultPlan { Duplicate = [paid.Attempts[0].ChannelReference, refund.ChannelReference] };

        var run = await RunAsync("card");

        var duplicates = (await MismatchesAsync("card")).Where(m => m.PaymentId == paid.Id).ToList();
        Assert.Equal([("PAYMENT", SettlementMismatch.Types.Kind.DuplicateAtChannel), ("REFUND", SettlementMismatch.Types.Kind.DuplicateAtChannel)],
            duplicates.Select(m => (m.TransactionType, m.Kind)).Order());
        Assert.Equal(["PAYMENT", "REFUND"], (await ItemsAsync(paid.Id)).Select(i => i.TransactionType));
        Assert.Equal(SettlementRun.Types.State.Succeeded, run.State);
    }

    [Fact]
    public async Task BadRequests_AreRefusedWithTheFieldAndReason_AndMerchantsMayNotRun()
    {
        var unknown = await RpcErrors.CatchAsync(() => Settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "nosuch", SettleDate = Today("alipay") }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6001", "channel"), (unknown.Code, unknown.Info.Reason, unknown.BadRequest?.FieldViolations[0].Field));
        var noFiles = await RpcErrors.CatchAsync(() => Settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "banktransfer", SettleDate = Today("alipay") }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6061", "channel"), (noFiles.Code, noFiles.Info.Reason, noFiles.BadRequest?.FieldViolations[0].Field));
        var badDate = await RpcErrors.CatchAsync(() => Settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "alipay", SettleDate = "2026/11/28" }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "settle_date"), (badDate.Code, badDate.BadRequest?.FieldViolations[0].Field));
        var future = await RpcErrors.CatchAsync(() => Settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "alipay", SettleDate = "2099-01-01" }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "settle_date"), (future.Code, future.BadRequest?.FieldViolations[0].Field));
        // Days no payment can have (0001-01-01 at +08:00 is not even an instant) are refused as Reports refuses them, not INTERNAL.
        foreach (var day in new[] { "0001-01-01", "9999-12-31", "1999-12-31" })
        {
            var outside = await RpcErrors.CatchAsync(() => Settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "alipay", SettleDate = day }).ResponseAsync);
            Assert.Equal((StatusCode.InvalidArgument, "settle_date", day), (outside.Code, outside.BadRequest?.FieldViolations[0].Field, day));
        }
        var listed = await RpcErrors.CatchAsync(() => Settlement.ListSettlementMismatchesAsync(new ListSettlementMismatchesRequest { SettleDate = "0001-01-01" }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "settle_date"), (listed.Code, listed.BadRequest?.FieldViolations[0].Field));
        var token = await RpcErrors.CatchAsync(() => Settlement.ListSettlementRunsAsync(new ListSettlementRunsRequest { PageToken = "garbage" }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "page_token"), (token.Code, token.BadRequest?.FieldViolations[0].Field));

        var merchant = await RpcErrors.CatchAsync(() =>
            new SettlementService.SettlementServiceClient(Gateway.Merchant).RunSettlementAsync(new RunSettlementRequest { Channel = "alipay", SettleDate = Today("alipay") }).ResponseAsync);
        Assert.Equal((StatusCode.PermissionDenied, "PM-6017"), (merchant.Code, merchant.Info.Reason));
        Assert.Empty((await Settlement.ListSettlementRunsAsync(new ListSettlementRunsRequest { Channel = "nosuch" })).Runs);
    }
}

/// <summary>The settlement worker on a one-second schedule.</summary>
public sealed class SettlementWorkerFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Settlement:Interval"] = "00:00:01",
    };
}

/// <summary>The daily worker: it reconciles every settlement channel's previous business day by itself.</summary>
public sealed class SettlementWorkerTests(SettlementWorkerFixture fixture) : IClassFixture<SettlementWorkerFixture>
{
    [Fact]
    public async Task Worker_RunsThePreviousBusinessDayOfEverySettlementChannel()
    {
        var settlement = new SettlementService.SettlementServiceClient(fixture.Gateway.Operator);
        IReadOnlyList<SettlementRun> runs = [];
        await GatewayUnderTest.WaitUntilAsync(async () =>
        {
            runs = (await settlement.ListSettlementRunsAsync(new ListSettlementRunsRequest { PageSize = 500 })).Runs;
            return runs.Select(r => r.Channel).Distinct().Count() == 4;
        }, TimeSpan.FromSeconds(20), "a worker run of every settlement channel");

        Assert.Equal(["alipay", "card", "unionpay", "wechatpay"], runs.Select(r => r.Channel).Distinct().Order(StringComparer.Ordinal));
        Assert.All(runs, r => Assert.Equal(("worker", SettlementRun.Types.State.Succeeded), (r.Actor, r.State)));
        var beijingYesterday = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(beijingYesterday, runs.First(r => r.Channel == "alipay").SettleDate);
    }
}
