using Microsoft.Extensions.DependencyInjection;
using Paygate.Gateway.Routing;
using Paygate.Simulators.Notifications;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// The notify endpoints of every channel under attack and under the networks' own misbehaviour: genuine notifications
/// altered or stripped of their signature, replayed, duplicated and out of order.
/// </summary>
public sealed class NotificationSecurityTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private readonly HttpClient _http = new();
    private GatewayUnderTest Gateway => fixture.Gateway;

    public static TheoryData<string> Channels => ["alipay", "wechatpay", "unionpay", "card"];

    /// <summary>A payment paid on <paramref name="channel"/>, and the genuine notification the network sent for it.</summary>
    private async Task<(Payment Paid, SentRequest Genuine)> PaidWithNotificationAsync(string channel, long amount)
    {
        Payment created;
        if (channel == "card")
        {
            created = await Gateway.Payments.CreatePaymentAsync(CardRequest("4242424242424242", amount));
        }
        else
        {
            created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(amount, channel: channel));
            await PayAsync(channel, created);
        }
        var reference = created.Attempts[0].ChannelReference;
        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        var outbox = Outbox(channel);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!outbox.Deliveries.Any(d => d.OutTradeNo == reference && d.Acknowledged))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no acknowledged {channel} notification for {reference}");
            await Task.Delay(50);
        }
        return (paid, outbox.Deliveries.First(d => d.OutTradeNo == reference && d.Acknowledged).Request!);
    }

    /// <summary>A payment on <paramref name="channel"/> that is not paid: waiting for the payer, or (card) declined.</summary>
    private async Task<Payment> UnpaidAsync(string channel, long amount) => channel == "card"
        ? await Gateway.Payments.CreatePaymentAsync(CardRequest("4000000000009995", amount))
        : await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(amount, channel: channel));

    private async Task PayAsync(string channel, Payment created)
    {
        if (channel == "unionpay")
        {
            using (await _http.PostAsync(created.NextAction.RedirectUrl, new FormUrlEncodedContent(created.NextAction.RedirectForm)))
            {
            }
            Assert.Null(fixture.Simulators.UnionPay.BuyerPays(created.Attempts[0].ChannelReference));
            return;
        }
        Assert.Null(fixture.Simulators.BuyerPays(channel, created.NextAction.QrCode));
    }

    private NotificationOutbox Outbox(string channel) => channel switch
    {
        "alipay" => fixture.Simulators.Alipay.Notifier,
        "wechatpay" => fixture.Simulators.WeChatPay.Notifier,
        "unionpay" => fixture.Simulators.UnionPay.Notifier,
        _ => fixture.Simulators.Card.Notifier,
    };

    private static CreatePaymentRequest CardRequest(string number, long amount) => new()
    {
        AmountMinor = amount,
        Currency = "USD",
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "US" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = number, ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
    };

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

    private async Task<(Payment Payment, int Events)> SnapshotAsync(string id) =>
        (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = id }), (await Gateway.Store.EventsAsync(id, 0, CancellationToken.None)).Count);

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task GenuineNotification_MovedToAnotherOrder_IsRejectedAndChangesNothing(string channel)
    {
        var (paid, genuine) = await PaidWithNotificationAsync(channel, 20_100);
        var victim = await UnpaidAsync(channel, 20_100);
        var before = await SnapshotAsync(victim.Id);
        var from = paid.Attempts[0].ChannelReference;
        var to = victim.Attempts[0].ChannelReference;
        // Where the order number is in clear the attacker swaps it; WeChat Pay's is inside the AES-GCM ciphertext,
        // so there the attacker can only alter the signed envelope.
        var forged = genuine.Body.Contains(from, StringComparison.Ordinal)
            ? genuine.Body.Replace(from, to, StringComparison.Ordinal)
            : genuine.Body.Replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ", StringComparison.Ordinal);
        Assert.NotEqual(genuine.Body, forged);

        var answer = await PostAsync(genuine.ToMessage(forged));

        Assert.Equal(Reply(channel, accepted: false), answer);
        Assert.Equal(before, await SnapshotAsync(victim.Id));
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task NotificationWithoutItsSignature_IsRejectedAndChangesNothing(string channel)
    {
        var (paid, genuine) = await PaidWithNotificationAsync(channel, 20_200);
        var victim = await UnpaidAsync(channel, 20_200);
        var before = await SnapshotAsync(victim.Id);
        var body = genuine.Body.Replace(paid.Attempts[0].ChannelReference, victim.Attempts[0].ChannelReference, StringComparison.Ordinal);
        // Strip every signature the networks use: form fields `sign` / `signature`, and the signature headers.
        var form = body.Split('&').Where(p => !p.StartsWith("sign=", StringComparison.Ordinal) && !p.StartsWith("signature=", StringComparison.Ordinal));
        var unsigned = new SentRequest(genuine.Url,
            genuine.Headers.Where(h => !h.Key.Contains("Signature", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value),
            body.Contains('&') ? string.Join('&', form) : body);

        var answer = await PostAsync(unsigned.ToMessage());

        Assert.Equal(Reply(channel, accepted: false), answer);
        Assert.Equal(before, await SnapshotAsync(victim.Id));
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task GenuineNotification_Replayed_IsAcknowledgedWithoutAnyEffect(string channel)
    {
        var (paid, genuine) = await PaidWithNotificationAsync(channel, 20_300);
        var before = await SnapshotAsync(paid.Id);

        var first = await PostAsync(genuine.ToMessage());
        var second = await PostAsync(genuine.ToMessage());

        // The network is told to stop (it may be its own resend after a lost reply); nothing changes.
        Assert.Equal(Reply(channel, accepted: true), first);
        Assert.Equal(Reply(channel, accepted: true), second);
        Assert.Equal(before, await SnapshotAsync(paid.Id));
    }

    [Fact]
    public async Task CardNotification_SignatureHeaderNamingAKeyTwice_IsRejectedNotAcknowledged()
    {
        var (paid, genuine) = await PaidWithNotificationAsync("card", 20_500);
        var before = await SnapshotAsync(paid.Id);
        var headers = genuine.Headers.ToDictionary(h => h.Key, h => string.Equals(h.Key, "Acquirer-Signature", StringComparison.OrdinalIgnoreCase) ? h.Value + ",v1=" + new string('0', 64) : h.Value);
        Assert.NotEqual(genuine.Headers, headers);

        var answer = await PostAsync(new SentRequest(genuine.Url, headers, genuine.Body).ToMessage());

        // Refused before it is read: not even acknowledged as the repeat it would otherwise be.
        Assert.Equal(Reply("card", accepted: false), answer);
        Assert.Equal(before, await SnapshotAsync(paid.Id));
    }

    [Theory]
    [InlineData("alipay", "WAIT_BUYER_PAY")]
    [InlineData("alipay", "TRADE_CLOSED")]
    [InlineData("wechatpay", "NOTPAY")]
    [InlineData("wechatpay", "CLOSED")]
    public async Task Notifications_TwiceAndOutOfOrder_LeaveTheRightFinalState(string channel, string olderState)
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(20_400, channel: channel));
        var reference = created.Attempts[0].ChannelReference;
        var outbox = Outbox(channel);
        // The network's notifier lags: the success and then stale news arrive together, newest first.
        outbox.Pause = true;
        await PayAsync(channel, created);
        if (channel == "alipay")
        {
            fixture.Simulators.Alipay.Renotify(reference);
            fixture.Simulators.Alipay.Renotify(reference, olderState);
        }
        else
        {
            fixture.Simulators.WeChatPay.Renotify(reference);
            fixture.Simulators.WeChatPay.Renotify(reference, olderState);
        }
        outbox.Pause = false;

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (outbox.Deliveries.Count(d => d.OutTradeNo == reference && d.Acknowledged) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the notifications were not all acknowledged");
            await Task.Delay(50);
        }

        var (payment, _) = await SnapshotAsync(created.Id);
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal(Attempt.Types.State.Succeeded, payment.Attempts.Single().State);
        Assert.Single(await Gateway.Store.EventsAsync(created.Id, 0, CancellationToken.None), e => e.Type == "payment.succeeded");
    }

    public void Dispose()
    {
        fixture.Simulators.Alipay.Notifier.Pause = false;
        fixture.Simulators.WeChatPay.Notifier.Pause = false;
        _http.Dispose();
    }
}
