using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Every QR channel through the real gateway: success, decline, unknown outcome resolved by query, tampered answers.</summary>
public sealed class ChannelBehaviourTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    public static TheoryData<string> QrChannels => new() { "alipay", "wechatpay" };

    [Theory]
    [MemberData(nameof(QrChannels))]
    public async Task Success_BuyerPays_NotificationVerifiedAndApplied(string channel)
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6100, channel: channel));
        Assert.Equal((Payment.Types.State.RequiresAction, channel), (created.State, created.Attempts[0].Channel));

        Assert.Null(fixture.Simulators.BuyerPays(channel, created.NextAction.QrCode));

        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.False(string.IsNullOrEmpty(paid.Attempts[0].ChannelTransactionId));
        Assert.Equal([6100L], fixture.Simulators.Charges(channel, created.Attempts[0].ChannelReference));
        // The reply was the one the network expects, so it stops resending.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!fixture.Simulators.NotificationAcknowledged(channel, created.Attempts[0].ChannelReference) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True(fixture.Simulators.NotificationAcknowledged(channel, created.Attempts[0].ChannelReference));
    }

    [Theory]
    [MemberData(nameof(QrChannels))]
    public async Task Decline_InsufficientBalance_FailsWithPm1001AndNoSecondCall(string channel)
    {
        fixture.Simulators.Faults(channel).Plan = new FaultPlan { ErrorRate = 1, ErrorCode = SimulatedNetworks.InsufficientBalance(channel), Limit = 1, Methods = [SimulatedNetworks.CreateMethod(channel)] };

        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6200, channel: channel));

        Assert.Equal(Payment.Types.State.Failed, created.State);
        Assert.Equal(("PM-1001", channel), (created.Error.Code, created.Error.Channel));
        Assert.Equal(Attempt.Types.State.Declined, Assert.Single(created.Attempts).State);
        Assert.Equal(0, fixture.Simulators.OrderCount(channel, created.Attempts[0].ChannelReference));
    }

    [Theory]
    [MemberData(nameof(QrChannels))]
    public async Task Unknown_ResponseLost_ResolvedByQueryWithOneOrder(string channel)
    {
        fixture.Simulators.Faults(channel).Plan = new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = [SimulatedNetworks.CreateMethod(channel)] };

        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6300, channel: channel));

        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        Assert.Equal(1, fixture.Simulators.OrderCount(channel, created.Attempts[0].ChannelReference));
        Assert.Null(fixture.Simulators.BuyerPays(channel, created.NextAction.QrCode));
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    [Theory]
    [MemberData(nameof(QrChannels))]
    public async Task Tampered_EveryAnswerAltered_NothingIsTrustedThenTheClosedOrderFailsOver(string channel)
    {
        fixture.Simulators.Faults(channel).Plan = new FaultPlan { TamperRate = 1 };

        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6400, channel: channel));

        // Every answer failed verification: nothing shown to the payer, the payment waits.
        Assert.Equal(Payment.Types.State.Processing, created.State);
        Assert.Null(created.NextAction);
        Assert.Equal((Attempt.Types.State.Unknown, "PM-4004"), (created.Attempts[0].State, created.Attempts[0].ErrorCode));

        // Once answers arrive intact, the worker learns the order was closed (the gateway asked for it) and moves on.
        fixture.Simulators.Faults(channel).Plan = FaultPlan.None;
        var settled = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.RequiresAction);
        Assert.Equal(2, settled.Attempts.Count);
        Assert.NotEqual(channel, settled.Attempts[1].Channel);
        Assert.Empty(fixture.Simulators.Charges(channel, created.Attempts[0].ChannelReference));
        Assert.Null(fixture.Simulators.BuyerPays(settled.Attempts[1].Channel, settled.NextAction.QrCode));
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    [Fact]
    public async Task WeChatPay_BuyersPaymentFails_NotificationFailsThePayment()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6500, channel: "wechatpay"));

        Assert.Null(fixture.Simulators.WeChatPay.BuyerPaymentFails(created.NextAction.QrCode));

        var failed = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Failed);
        Assert.Equal(("PM-1006", "PAYERROR"), (failed.Error.Code, failed.Error.NativeCode));
    }

    [Fact]
    public async Task WeChatPay_ForgedNotification_IsRefusedAndChangesNothing()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(6600, channel: "wechatpay"));
        const string body = "{\"id\":\"forged\",\"event_type\":\"TRANSACTION.SUCCESS\",\"resource\":{\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"AAAA\",\"nonce\":\"n\",\"associated_data\":\"transaction\"}}";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.HttpBaseUrl + "/notify/wechatpay") { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("Wechatpay-Serial", fixture.ChannelSettings.Keys.Single(k => k.StartsWith("Channels:WeChatPay:PlatformPublicKeys:", StringComparison.Ordinal)).Split(':')[^1]);
        request.Headers.TryAddWithoutValidation("Wechatpay-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Wechatpay-Nonce", "abc");
        request.Headers.TryAddWithoutValidation("Wechatpay-Signature", Convert.ToBase64String(new byte[256]));

        using var response = await http.SendAsync(request);

        Assert.True((int)response.StatusCode >= 400);
        Assert.Equal(Payment.Types.State.RequiresAction, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
    }

    public void Dispose()
    {
        fixture.Simulators.AlipayFaults.Plan = FaultPlan.None;
        fixture.Simulators.WeChatPayFaults.Plan = FaultPlan.None;
    }
}
