using Grpc.Core;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>UnionPay through the real gateway: the payer's browser posts the signed form, UnionPay notifies.</summary>
public sealed class UnionPayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private readonly HttpClient _browser = new();
    private GatewayUnderTest Gateway => fixture.Gateway;

    private async Task<Payment> CreateAndPostFormAsync(long amount, DateTimeOffset? expire = null)
    {
        var request = GatewayUnderTest.NewRequest(amount, channel: "unionpay");
        if (expire is { } e)
        {
            request.ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(e);
        }
        var created = await Gateway.Payments.CreatePaymentAsync(request);
        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        Assert.Equal((NextAction.Types.Type.Redirect, "POST"), (created.NextAction.Type, created.NextAction.RedirectMethod));
        using var page = await _browser.PostAsync(created.NextAction.RedirectUrl, new FormUrlEncodedContent(created.NextAction.RedirectForm));
        Assert.Contains("银联在线支付", await page.Content.ReadAsStringAsync());
        return created;
    }

    private int Charges(string orderId) => fixture.Simulators.UnionPay.Ledger.Count(e => e.OrderId == orderId && e.Kind == "charge");

    [Fact]
    public async Task Success_PayerPaysOnTheCashierPage_NotificationSucceedsThePayment()
    {
        var created = await CreateAndPostFormAsync(7100);
        var orderId = created.Attempts[0].ChannelReference;

        Assert.Null(fixture.Simulators.UnionPay.BuyerPays(orderId));

        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.False(string.IsNullOrEmpty(paid.Attempts[0].ChannelTransactionId)); // the queryId
        Assert.Equal(1, Charges(orderId));
        Assert.True(fixture.Simulators.NotificationAcknowledged("unionpay", orderId));
    }

    [Fact]
    public async Task Decline_InsufficientBalance_FailsWithPm1001()
    {
        var created = await CreateAndPostFormAsync(7200);

        Assert.Null(fixture.Simulators.UnionPay.BuyerPays(created.Attempts[0].ChannelReference, respCode: "64"));

        var failed = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Failed);
        Assert.Equal(("PM-1001", "64", "unionpay"), (failed.Error.Code, failed.Error.NativeCode, failed.Error.Channel));
        Assert.Equal(0, Charges(created.Attempts[0].ChannelReference));
    }

    [Fact]
    public async Task Unknown_NotificationLostAndQueryUncertain_ResolvedByQueryNotExpired()
    {
        var created = await CreateAndPostFormAsync(7300, DateTimeOffset.UtcNow.AddSeconds(3));
        var orderId = created.Attempts[0].ChannelReference;
        fixture.Simulators.UnionPay.Notifier.Pause = true;
        fixture.Simulators.UnionPay.BuyerPays(orderId);
        fixture.Simulators.UnionPayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "04", Limit = 1, Methods = ["query"] };

        // At expiry the gateway must find out whether the order was paid; the first answer is "status unknown".
        var resolved = await Gateway.WaitForAsync(created.Id, p => p.State is Payment.Types.State.Succeeded or Payment.Types.State.Expired);

        Assert.Equal(Payment.Types.State.Succeeded, resolved.State);
        Assert.Equal(1, Charges(orderId));
    }

    [Fact]
    public async Task Cancel_BeforePayTimeout_IsRefusedBecauseUnionPayCannotCloseAnOrder()
    {
        var created = await CreateAndPostFormAsync(7400);

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id }).ResponseAsync);

        Assert.Equal((StatusCode.Unavailable, "PM-2001"), (code, info.Reason));
        Assert.Equal(Payment.Types.State.RequiresAction, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
    }

    [Fact]
    public async Task Tampered_QueryAnswers_AreNotTrusted()
    {
        var created = await CreateAndPostFormAsync(7500, DateTimeOffset.UtcNow.AddSeconds(2));
        fixture.Simulators.UnionPay.Notifier.Pause = true;
        fixture.Simulators.UnionPay.BuyerPays(created.Attempts[0].ChannelReference);
        fixture.Simulators.UnionPayFaults.Plan = new FaultPlan { TamperRate = 1, Methods = ["query"] };

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        Assert.Equal(Payment.Types.State.RequiresAction, payment.State); // neither expired nor paid on an unverified answer

        fixture.Simulators.UnionPayFaults.Plan = FaultPlan.None;
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    public void Dispose()
    {
        _browser.Dispose();
        fixture.Simulators.UnionPayFaults.Plan = FaultPlan.None;
        fixture.Simulators.UnionPay.Notifier.Pause = false;
    }
}
