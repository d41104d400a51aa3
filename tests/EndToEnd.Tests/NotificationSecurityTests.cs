using System.Net;
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

    /// <summary>
    /// The splice attack found by a hostile test: a 1.00 CNY payment whose description puts a second order number and
    /// amount into Alipay's signed text, and its genuine notification re-cut into form fields that sign the same text
    /// with the victims' order numbers. Neither victim moves, and the network charged nothing for them.
    /// </summary>
    [Fact]
    public async Task SpliceAttack_DescriptionCarriesAnotherOrder_ReCutNotificationChangesNoOtherPayment()
    {
        var victims = new[] { await UnpaidAsync("alipay", 8_888), await UnpaidAsync("alipay", 99_999_900) };
        var before = await Task.WhenAll(victims.Select(v => SnapshotAsync(v.Id)));
        foreach (var victim in victims)
        {
            var request = GatewayUnderTest.NewRequest(100, channel: "alipay");
            request.Description = $"x&out_trade_no={victim.Attempts[0].ChannelReference}&total_amount={victim.AmountMinor / 100}.{victim.AmountMinor % 100:D2}";
            var attacker = await Gateway.Payments.CreatePaymentAsync(request);
            await PayAsync("alipay", attacker);
            var reference = attacker.Attempts[0].ChannelReference;
            var outbox = Outbox("alipay");
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!outbox.Deliveries.Any(d => d.OutTradeNo == reference && d.Acknowledged))
            {
                Assert.True(DateTime.UtcNow < deadline, "the attacker's payment was not notified");
                await Task.Delay(50);
            }
            var genuine = outbox.Deliveries.First(d => d.OutTradeNo == reference && d.Acknowledged).Request!;

            foreach (var forged in ReCuts(genuine.Body, reference, victim.Attempts[0].ChannelReference))
            {
                await PostAsync(genuine.ToMessage(forged));
            }
        }

        Assert.Equal(before, await Task.WhenAll(victims.Select(v => SnapshotAsync(v.Id))));
        var charged = fixture.Simulators.Alipay.Ledger.Select(e => e.OutTradeNo).ToHashSet();
        Assert.DoesNotContain(victims, v => charged.Contains(v.Attempts[0].ChannelReference));
    }

    /// <summary>
    /// Re-cuts of a genuine Alipay notification form that keep its signed text <c>...&amp;out_trade_no=A&amp;receipt_amount=..
    /// &amp;subject=x&amp;out_trade_no=VICTIM&amp;total_amount=T&amp;total_amount=..&amp;...</c> when the subject went to the network as
    /// it was: the head folded into notify_id and notify_type, the victim's number as out_trade_no; also the genuine form with the
    /// victim's number added as a second field.
    /// </summary>
    private static IEnumerable<string> ReCuts(string body, string own, string victim)
    {
        var fields = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
        string Encode(Dictionary<string, string> f) => string.Join('&', f.Select(p => $"{WebUtility.UrlEncode(p.Key)}={WebUtility.UrlEncode(p.Value)}"));
        var subject = fields["subject"];
        var cut = subject.IndexOf("&out_trade_no=", StringComparison.Ordinal);
        var injectedAmount = subject.Split("&total_amount=").Last();
        var recut = new Dictionary<string, string>(fields)
        {
            // A notify_id that differs from the genuine one's, so that the repeat check does not catch it.
            ["notify_id"] = $"{fields["notify_id"]}&notify_time={fields["notify_time"]}",
            ["notify_type"] = $"{fields["notify_type"]}&out_trade_no={own}&receipt_amount={fields["receipt_amount"]}&subject={(cut < 0 ? subject : subject[..cut])}",
            ["out_trade_no"] = victim,
            ["total_amount"] = $"{injectedAmount}&total_amount={fields["total_amount"]}",
        };
        recut.Remove("notify_time");
        recut.Remove("receipt_amount");
        recut.Remove("subject");
        yield return Encode(recut);
        yield return body + "&out_trade_no=" + WebUtility.UrlEncode(victim);
        yield return body.Replace(WebUtility.UrlEncode(own), WebUtility.UrlEncode(victim), StringComparison.Ordinal);
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

    public static TheoryData<string> AllNotifyingChannels => ["alipay", "wechatpay", "unionpay", "card", "banktransfer"];

    /// <summary>
    /// A corpus of forgeries made from one genuine notification of each channel (a fixed seed): every signature
    /// stripped or altered, bytes flipped across the body, fields named twice, another payment's order number, the
    /// signature header named twice, stale and empty and random bodies. None changes any payment or held credit, none
    /// is answered with a server error, and a replay of the genuine one is acknowledged without effect.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllNotifyingChannels))]
    public async Task ForgeryCorpus_ChangesNoPaymentAndNoHeldCredit(string channel)
    {
        var (paid, genuine) = channel == "banktransfer" ? await PaidByBankWithNotificationAsync(60_100_00) : await PaidWithNotificationAsync(channel, 20_500);
        var victim = channel == "banktransfer" ? await Gateway.Payments.CreatePaymentAsync(BankRequest(60_100_00)) : await UnpaidAsync(channel, 20_500);
        var watched = new[] { paid.Id, victim.Id };
        var before = await Task.WhenAll(watched.Select(SnapshotAsync));
        var heldBefore = (await HeldCreditsAsync()).Count;

        var forgeries = Forgeries(genuine, paid.Attempts[0].ChannelReference, victim.Attempts[0].ChannelReference, new Random(20261128)).ToList();
        Assert.True(forgeries.Count >= 35, $"only {forgeries.Count} forgeries");
        var refused = Reply(channel, accepted: false);
        foreach (var (forged, i) in forgeries.Select((f, i) => (f, i)))
        {
            // The channel's own "not accepted" reply (WeChat Pay's is a 500 by its protocol), or a plain 4xx.
            var answer = await PostAsync(forged);
            Assert.True(answer == refused || answer.Status is >= 400 and < 500, $"forgery #{i} to {channel} was answered {answer.Status} {answer.Body}");
        }
        await PostAsync(genuine.ToMessage());

        Assert.Equal(before, await Task.WhenAll(watched.Select(SnapshotAsync)));
        Assert.Equal(heldBefore, (await HeldCreditsAsync()).Count);
    }

    private async Task<IList<HeldCredit>> HeldCreditsAsync() =>
        (await new ChannelService.ChannelServiceClient(Gateway.Operator).ListHeldCreditsAsync(new ListHeldCreditsRequest())).Credits;

    private static CreatePaymentRequest BankRequest(long amount) => new()
    {
        AmountMinor = amount,
        Currency = "CNY",
        Description = "Private cloud cluster, 3 years",
        Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "CN", Device = "pc" },
        PaymentMethod = new PaymentMethod { Channel = "banktransfer" },
    };

    private async Task<(Payment Paid, SentRequest Genuine)> PaidByBankWithNotificationAsync(long amount)
    {
        var created = await Gateway.Payments.CreatePaymentAsync(BankRequest(amount));
        var entry = fixture.Simulators.Bank.PayerTransfers(amount, endToEndId: created.Attempts[0].ChannelReference);
        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!fixture.Simulators.Bank.Notifier.Deliveries.Any(d => d.Request!.Body.Contains(entry, StringComparison.Ordinal) && d.Acknowledged))
        {
            Assert.True(DateTime.UtcNow < deadline, "no acknowledged camt.054");
            await Task.Delay(50);
        }
        return (paid, fixture.Simulators.Bank.Notifier.Deliveries.First(d => d.Request!.Body.Contains(entry, StringComparison.Ordinal) && d.Acknowledged).Request!);
    }

    private static IEnumerable<HttpRequestMessage> Forgeries(SentRequest genuine, string own, string victim, Random random)
    {
        var body = genuine.Body;
        var signatureHeaders = genuine.Headers.Keys.Where(h => h.Contains("Signature", StringComparison.OrdinalIgnoreCase)).ToList();
        SentRequest With(string newBody, Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>>? headers = null) =>
            new(genuine.Url, headers?.Invoke(genuine.Headers) ?? genuine.Headers.ToDictionary(h => h.Key, h => h.Value), newBody);
        var isForm = !body.TrimStart().StartsWith('{') && !body.TrimStart().StartsWith('<');

        // Another payment's order number, wherever it stands in clear.
        if (body.Contains(own, StringComparison.Ordinal))
        {
            yield return With(body.Replace(own, victim, StringComparison.Ordinal)).ToMessage();
        }
        // Bytes flipped across the body (the signature covers every one of them).
        for (var i = 0; i < 24; i++)
        {
            var at = random.Next(body.Length);
            var chars = body.ToCharArray();
            chars[at] = chars[at] == 'A' ? 'B' : 'A';
            yield return With(new string(chars)).ToMessage();
        }
        // Signatures stripped or altered: form fields, then headers.
        if (isForm)
        {
            var pairs = body.Split('&');
            yield return With(string.Join('&', pairs.Where(p => !p.StartsWith("sign=", StringComparison.Ordinal) && !p.StartsWith("signature=", StringComparison.Ordinal)))).ToMessage();
            yield return With(string.Join('&', pairs.Select(p => p.StartsWith("sign=", StringComparison.Ordinal) || p.StartsWith("signature=", StringComparison.Ordinal) ? p[..^4] + "AAAA" : p))).ToMessage();
            // Fields named twice: each field again, with the victim's order number or its own value.
            foreach (var pair in pairs.Take(30))
            {
                var key = pair.Split('=')[0];
                yield return With(body + "&" + key + "=" + WebUtility.UrlEncode(victim)).ToMessage();
                yield return With(pair + "&" + body).ToMessage();
            }
        }
        foreach (var header in signatureHeaders)
        {
            yield return With(body, h => h.Where(x => x.Key != header).ToDictionary(x => x.Key, x => x.Value)).ToMessage();
            yield return With(body, h => h.ToDictionary(x => x.Key, x => x.Key == header ? x.Value[..^4] + "AAAA" : x.Value)).ToMessage();
            // The header named twice: the genuine value and another.
            yield return With(body, h => h.ToDictionary(x => x.Key, x => x.Key == header ? x.Value + ", " + x.Value[..^4] + "AAAA" : x.Value)).ToMessage();
        }
        // Stale: the network's timestamp moved a day back (WeChat Pay), the body unchanged.
        foreach (var header in genuine.Headers.Keys.Where(h => h.Contains("Timestamp", StringComparison.OrdinalIgnoreCase)))
        {
            yield return With(body, h => h.ToDictionary(x => x.Key, x => x.Key == header && long.TryParse(x.Value, out var t) ? (t - 86_400).ToString(System.Globalization.CultureInfo.InvariantCulture) : x.Value)).ToMessage();
        }
        // Empty, truncated, random and oversized bodies.
        yield return With("").ToMessage();
        yield return With(body[..(body.Length / 2)]).ToMessage();
        for (var i = 0; i < 8; i++)
        {
            var bytes = new byte[random.Next(1, 512)];
            random.NextBytes(bytes);
            yield return With(Convert.ToBase64String(bytes)).ToMessage();
        }
        yield return With(body + new string('A', 70_000)).ToMessage();
    }

    public void Dispose()
    {
        fixture.Simulators.Alipay.Notifier.Pause = false;
        fixture.Simulators.WeChatPay.Notifier.Pause = false;
        _http.Dispose();
    }
}
