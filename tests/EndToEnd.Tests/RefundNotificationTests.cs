using Microsoft.Extensions.DependencyInjection;
using Paygate.Gateway.Routing;
using Paygate.Simulators.Notifications;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>The worker asks about a pending refund only after an hour here: whatever settles a refund in these tests is its notification.</summary>
public sealed class SlowRefundQueryFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Paygate:PendingQueryAfter"] = "01:00:00",
    };
}

/// <summary>Refunds the network settles later (to a bank card), reported by the network's refund notification.</summary>
public sealed class RefundNotificationTests(SlowRefundQueryFixture fixture) : IClassFixture<SlowRefundQueryFixture>, IDisposable
{
    private readonly HttpClient _http = new();
    private GatewayUnderTest Gateway => fixture.Gateway;

    public static TheoryData<string> Channels => ["wechatpay", "unionpay"];

    private NotificationOutbox Outbox(string channel) => channel == "wechatpay" ? fixture.Simulators.WeChatPay.Notifier : fixture.Simulators.UnionPay.Notifier;

    private bool Settle(string channel, string refundReference, bool refunded = true) => channel == "wechatpay"
        ? fixture.Simulators.WeChatPay.SettleRefund(refundReference, refunded ? "SUCCESS" : "CLOSED")
        : fixture.Simulators.UnionPay.SettleRefund(refundReference, refunded ? "00" : "01");

    private async Task<Payment> PaidAsync(string channel, long amount)
    {
        fixture.Simulators.WeChatPay.RefundsPending = true;
        fixture.Simulators.UnionPay.RefundsPending = true;
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(amount, channel: channel));
        if (channel == "unionpay")
        {
            using (await _http.PostAsync(created.NextAction.RedirectUrl, new FormUrlEncodedContent(created.NextAction.RedirectForm)))
            {
            }
            Assert.Null(fixture.Simulators.UnionPay.BuyerPays(created.Attempts[0].ChannelReference));
        }
        else
        {
            Assert.Null(fixture.Simulators.BuyerPays(channel, created.NextAction.QrCode));
        }
        return await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    private async Task<Refund> PendingRefundAsync(string paymentId, long amount)
    {
        var refund = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = paymentId, AmountMinor = amount, Reason = "returned goods" });
        Assert.Equal(Refund.Types.State.Pending, refund.State);
        return refund;
    }

    private async Task<Refund> RefundAsync(string id) => await Gateway.Payments.GetRefundAsync(new GetRefundRequest { Id = id });

    private async Task<SentRequest> AcknowledgedAsync(string channel, string refundReference)
    {
        var outbox = Outbox(channel);
        await GatewayUnderTest.WaitUntilAsync(() => Task.FromResult(outbox.Deliveries.Any(d => d.OutTradeNo == refundReference && d.Acknowledged)), TimeSpan.FromSeconds(15),
            $"an acknowledged {channel} notification of refund {refundReference}");
        return outbox.Deliveries.First(d => d.OutTradeNo == refundReference && d.Acknowledged).Request!;
    }

    private async Task<(int Status, string Body)> PostAsync(HttpRequestMessage message)
    {
        using (message)
        using (var response = await _http.SendAsync(message))
        {
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private (int, string) Reply(string channel, bool accepted)
    {
        var reply = Gateway.Services.GetRequiredService<ChannelRegistry>().Get(channel).NotificationReply(accepted);
        return (reply.StatusCode, reply.Body);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task RefundSettledLater_IsSettledByItsNotification_AndARepeatChangesNothing(string channel)
    {
        var paid = await PaidAsync(channel, 7_700);
        var refund = await PendingRefundAsync(paid.Id, 2_700);

        Assert.True(Settle(channel, refund.ChannelReference));

        var genuine = await AcknowledgedAsync(channel, refund.ChannelReference);
        await GatewayUnderTest.WaitUntilAsync(async () => (await RefundAsync(refund.Id)).State == Refund.Types.State.Succeeded, TimeSpan.FromSeconds(15), "the refund settled");
        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = paid.Id });
        Assert.Equal(2_700, payment.AmountRefundedMinor);
        var events = (await Gateway.Store.EventsAsync(paid.Id, 0, CancellationToken.None)).Count;

        var again = await PostAsync(genuine.ToMessage());

        Assert.Equal(Reply(channel, accepted: true), again);
        Assert.Equal(events, (await Gateway.Store.EventsAsync(paid.Id, 0, CancellationToken.None)).Count);
        Assert.Equal(Refund.Types.State.Succeeded, (await RefundAsync(refund.Id)).State);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task RefundTheNetworkCloses_FailsByItsNotification_AndItsAmountIsRefundableAgain(string channel)
    {
        var paid = await PaidAsync(channel, 6_600);
        var refund = await PendingRefundAsync(paid.Id, 6_600);

        Assert.True(Settle(channel, refund.ChannelReference, refunded: false));

        await AcknowledgedAsync(channel, refund.ChannelReference);
        await GatewayUnderTest.WaitUntilAsync(async () => (await RefundAsync(refund.Id)).State == Refund.Types.State.Failed, TimeSpan.FromSeconds(15), "the refund failed");
        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = paid.Id });
        Assert.Equal(0, payment.AmountRefundedMinor);
        Assert.Equal(Refund.Types.State.Pending, (await PendingRefundAsync(paid.Id, 6_600)).State);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task ForgedRefundNotification_IsRefused_AndThePendingRefundStaysPending(string channel)
    {
        var paid = await PaidAsync(channel, 9_900);
        var settled = await PendingRefundAsync(paid.Id, 1_000);
        var victim = await PendingRefundAsync(paid.Id, 2_000);
        Assert.True(Settle(channel, settled.ChannelReference));
        var genuine = await AcknowledgedAsync(channel, settled.ChannelReference);
        // Where the refund's number is in clear the forger swaps it; WeChat Pay's is inside the ciphertext, so there only the signed envelope can change.
        var forged = genuine.Body.Contains(settled.ChannelReference, StringComparison.Ordinal)
            ? genuine.Body.Replace(settled.ChannelReference, victim.ChannelReference, StringComparison.Ordinal)
            : genuine.Body.Replace("REFUND.SUCCESS", "REFUND.SUCCESS ", StringComparison.Ordinal);
        Assert.NotEqual(genuine.Body, forged);

        var answer = await PostAsync(genuine.ToMessage(forged));

        Assert.Equal(Reply(channel, accepted: false), answer);
        Assert.Equal(Refund.Types.State.Pending, (await RefundAsync(victim.Id)).State);
    }

    public void Dispose()
    {
        fixture.Simulators.WeChatPay.RefundsPending = false;
        fixture.Simulators.UnionPay.RefundsPending = false;
        _http.Dispose();
    }
}
