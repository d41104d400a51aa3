using Grpc.Core;
using PaymentEventTypes = Paygate.Gateway.Payments.PaymentEventTypes;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A merchant pays through the real gateway, the Alipay simulator plays the network and the buyer.</summary>
public sealed class PaymentFlowTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task CreatePayment_BuyerScansAndPays_NotificationMakesItSucceeded()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(8888));

        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        Assert.Equal(NextAction.Types.Type.DisplayQrCode, created.NextAction.Type);
        Assert.StartsWith("https://qr.alipay.com/", created.NextAction.QrCode, StringComparison.Ordinal);
        var attempt = Assert.Single(created.Attempts);
        Assert.Equal(("alipay", Attempt.Types.State.RequiresAction), (attempt.Channel, attempt.State));
        Assert.Contains("alipay", created.Routing.Candidates);

        using var watch = Gateway.Payments.WatchPayment(new WatchPaymentRequest { Id = created.Id });
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal("payment.snapshot", watch.ResponseStream.Current.EventType);

        Assert.Null(fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode));

        var events = new List<WatchPaymentResponse>();
        while (await watch.ResponseStream.MoveNext())
        {
            events.Add(watch.ResponseStream.Current);
        }
        Assert.Equal("payment.succeeded", events[^1].EventType);
        Assert.Equal(Payment.Types.State.Succeeded, events[^1].Payment.State);

        var paid = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        Assert.Equal(Payment.Types.State.Succeeded, paid.State);
        Assert.False(string.IsNullOrEmpty(paid.Attempts[0].ChannelTransactionId));
        Assert.Null(paid.NextAction);
        var charge = Assert.Single(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo == attempt.ChannelReference);
        Assert.Equal(8888, charge.AmountFen);
        Assert.True(fixture.Simulators.NotificationAcknowledged("alipay", attempt.ChannelReference));
    }

    [Fact]
    public async Task Notifications_DuplicateAndOutOfOrder_LeaveOneSuccess()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(1500));
        var reference = created.Attempts[0].ChannelReference;
        fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        fixture.Simulators.Alipay.Renotify(reference);                    // the same news again
        fixture.Simulators.Alipay.Renotify(reference, "WAIT_BUYER_PAY");  // older news, late
        await WaitUntilAsync(() => fixture.Simulators.Alipay.Notifier.Deliveries.Count(d => d.OutTradeNo == reference && d.Acknowledged) == 3);

        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        var events = await Gateway.Store.EventsAsync(created.Id, 0, CancellationToken.None);
        Assert.Single(events, e => e.Type == PaymentEventTypes.Succeeded);
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
    }

    [Fact]
    public async Task Notification_Forged_IsRejectedAndChangesNothing()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(2000));
        using var forger = System.Security.Cryptography.RSA.Create(2048);
        var fields = new Dictionary<string, string>
        {
            ["notify_id"] = "forged",
            ["app_id"] = fixture.ChannelSettings["Channels:Alipay:AppId"]!,
            ["out_trade_no"] = created.Attempts[0].ChannelReference,
            ["trade_status"] = "TRADE_SUCCESS",
            ["total_amount"] = "20.00",
            ["trade_no"] = "1",
            ["sign_type"] = "RSA2",
        };
        var content = string.Join('&', fields.Where(p => p.Key != "sign_type").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        fields["sign"] = Convert.ToBase64String(forger.SignData(System.Text.Encoding.UTF8.GetBytes(content),
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));

        using var http = new HttpClient();
        using var response = await http.PostAsync(Gateway.HttpBaseUrl + "/notify/alipay", new FormUrlEncodedContent(fields));

        Assert.NotEqual("success", await response.Content.ReadAsStringAsync());
        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
    }

    [Fact]
    public async Task CreatePayment_FiftyConcurrentCallsWithOneRequestId_OnePaymentOneChannelOrder()
    {
        var request = GatewayUnderTest.NewRequest(4200, Guid.NewGuid().ToString());

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ => await Gateway.Payments.CreatePaymentAsync(request)));

        var id = Assert.Single(results.Select(r => r.Id).Distinct());
        var reference = results[0].Attempts.Single().ChannelReference;
        Assert.Single(fixture.Simulators.Alipay.Orders, o => o.OutTradeNo.StartsWith(id[4..], StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(reference, Assert.Single(r.Attempts).ChannelReference));

        fixture.Simulators.Alipay.BuyerPays(results[0].NextAction.QrCode);
        await Gateway.WaitForAsync(id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Single(fixture.Simulators.Alipay.Ledger, e => e.OutTradeNo == reference);
        var again = await Gateway.Payments.CreatePaymentAsync(request);
        Assert.Equal((id, Payment.Types.State.Succeeded), (again.Id, again.State));
    }

    [Fact]
    public async Task CreatePayment_SameRequestIdDifferentParameters_IsAlreadyExists()
    {
        var requestId = Guid.NewGuid().ToString();
        var first = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(1000, requestId));

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(1001, requestId)).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, code);
        Assert.Equal("PM-6002", info.Reason);
        Assert.Equal(first.Id, info.Metadata["payment_id"]);
    }

    [Fact]
    public async Task CancelPayment_ClosesTheAlipayOrderSoTheBuyerCannotPay()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(3000));
        var requestId = Guid.NewGuid().ToString();

        var canceled = await Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id, RequestId = requestId });
        var repeated = await Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id, RequestId = requestId });

        Assert.Equal(Payment.Types.State.Canceled, canceled.State);
        Assert.Equal(Attempt.Types.State.Closed, canceled.Attempts[0].State);
        Assert.Equal(canceled, repeated);
        var order = Assert.Single(fixture.Simulators.Alipay.Orders, o => o.OutTradeNo == created.Attempts[0].ChannelReference);
        Assert.Equal("TRADE_CLOSED", order.TradeStatus);
        Assert.NotNull(fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode));

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6004"), (code, info.Reason));
    }

    [Fact]
    public async Task CancelPayment_AlreadyPaid_IsFailedPrecondition()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(3100));
        fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id }).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "PM-6004"), (code, info.Reason));
        Assert.Equal("SUCCEEDED", info.Metadata["state"]);
    }

    [Fact]
    public async Task CancelPayment_PaidButNotYetNotified_DiscoversThePaymentInsteadOfCanceling()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(3200));
        // The buyer pays, but the notification has not reached the gateway yet: the close must find out.
        fixture.Simulators.Alipay.Notifier.Pause = true;
        try
        {
            fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode);
            var (code, _, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id }).ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, code);
        }
        finally
        {
            fixture.Simulators.Alipay.Notifier.Pause = false;
        }
        var payment = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
    }

    [Fact]
    public async Task UnpaidPayment_AtItsExpireTime_ExpiresAndTheOrderIsClosed()
    {
        var request = GatewayUnderTest.NewRequest(3300);
        request.ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2));
        var created = await Gateway.Payments.CreatePaymentAsync(request);

        var expired = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Expired);

        Assert.Equal(Attempt.Types.State.Closed, expired.Attempts[0].State);
        Assert.Equal("TRADE_CLOSED", fixture.Simulators.Alipay.Orders.Single(o => o.OutTradeNo == created.Attempts[0].ChannelReference).TradeStatus);
        Assert.NotNull(fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode));
    }

    [Fact]
    public async Task ListPayments_PagesThroughEveryPaymentOnceAndFiltersByState()
    {
        var mine = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add((await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(1000 + i))).Id);
        }

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 2, PageToken = token });
            Assert.True(page.Payments.Count <= 2);
            seen.AddRange(page.Payments.Select(p => p.Id));
            token = page.NextPageToken;
        }
        while (token != "");

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(mine, id => Assert.Contains(id, seen));
        var waiting = await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 100, State = Payment.Types.State.RequiresAction });
        Assert.All(waiting.Payments, p => Assert.Equal(Payment.Types.State.RequiresAction, p.State));

        var (code, info, bad) = await RpcErrors.CatchAsync(() => Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageToken = "garbage" }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6001", "page_token"), (code, info.Reason, bad!.FieldViolations.Single().Field));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }
            await Task.Delay(100);
        }
    }
}
