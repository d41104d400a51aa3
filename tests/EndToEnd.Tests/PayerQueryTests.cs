using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway that asks about a QR payment 1 s and 3 s after it was created.</summary>
public sealed class ShortPayerQueriesFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Paygate:AwaitingPayerQueries:0"] = "00:00:01",
        ["Paygate:AwaitingPayerQueries:1"] = "00:00:03",
    };
}

/// <summary>A QR code paid while the network's notification cannot reach the gateway is settled by the gateway's own query.</summary>
public sealed class PayerQueryTests(ShortPayerQueriesFixture fixture) : IClassFixture<ShortPayerQueriesFixture>, IDisposable
{
    [Theory]
    [InlineData("alipay")]
    [InlineData("wechatpay")]
    public async Task PaidWhileNotificationsAreLost_SettledByTheScheduledQuery(string channel)
    {
        fixture.Simulators.Alipay.Notifier.Pause = true;
        fixture.Simulators.WeChatPay.Notifier.Pause = true;
        var payment = await fixture.Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(7700, channel: channel));

        Assert.Null(fixture.Simulators.BuyerPays(channel, payment.NextAction.QrCode));

        var paid = await fixture.Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Succeeded, timeoutSeconds: 10);
        Assert.Equal([7700L], fixture.Simulators.Charges(channel, paid.Attempts.Single().ChannelReference));
    }

    [Theory]
    [InlineData("4000000000003188", Payment.Types.State.Succeeded, 1)]
    [InlineData("4000000000003196", Payment.Types.State.Failed, 0)]
    public async Task CardChallengeFinishedWhileNotificationsAreLost_SettledByTheScheduledQuery(string number, Payment.Types.State final, int charges)
    {
        fixture.Simulators.Card.Notifier.Pause = true;
        var payment = await fixture.Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(number));
        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);

        await CardChallengePayer.AnswerAsync(payment.NextAction.RedirectUrl, "complete");

        var settled = await fixture.Gateway.WaitForAsync(payment.Id, p => p.State == final, timeoutSeconds: 10);
        Assert.Equal(final == Payment.Types.State.Failed ? "PM-1013" : "", settled.Error?.Code ?? "");
        Assert.Equal(charges, fixture.Simulators.Card.Ledger.Count(e => e.Reference == settled.Attempts.Single().ChannelReference && e.Kind == "charge"));
    }

    public void Dispose()
    {
        fixture.Simulators.Card.Notifier.Pause = false;
        fixture.Simulators.Alipay.Notifier.Pause = false;
        fixture.Simulators.WeChatPay.Notifier.Pause = false;
    }
}
