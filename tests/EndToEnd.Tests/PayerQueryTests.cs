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

    public void Dispose()
    {
        fixture.Simulators.Alipay.Notifier.Pause = false;
        fixture.Simulators.WeChatPay.Notifier.Pause = false;
    }
}
