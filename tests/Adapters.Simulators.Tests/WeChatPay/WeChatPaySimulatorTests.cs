using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Adapters.WeChatPay;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Hosting;
using Paygate.Simulators.WeChatPay;

namespace Paygate.Simulators.Tests.WeChatPay;

/// <summary>The WeChat Pay simulator over real HTTP, driven by the real adapter and by raw requests.</summary>
public sealed class WeChatPaySimulatorTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private WeChatPaySandboxMerchant _merchant = null!;
    private ServiceProvider _services = null!;

    private WeChatPayChannel Channel => _services.GetRequiredService<WeChatPayChannel>();

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync();
        _merchant = _host.WeChatPay.IssueSandboxMerchant();
        _services = ChannelFor(_merchant.MerchantPrivateKeyPem);
    }

    private ServiceProvider ChannelFor(string privateKeyPem) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:WeChatPay:BaseUrl"] = _host.WeChatPayBaseUrl,
            ["Channels:WeChatPay:MchId"] = _merchant.MchId,
            ["Channels:WeChatPay:AppId"] = _merchant.AppId,
            ["Channels:WeChatPay:MerchantSerialNo"] = _merchant.MerchantSerialNo,
            ["Channels:WeChatPay:PrivateKeyPem"] = privateKeyPem,
            ["Channels:WeChatPay:ApiV3Key"] = _merchant.ApiV3Key,
            [$"Channels:WeChatPay:PlatformPublicKeys:{_merchant.PlatformSerialNo}"] = _merchant.PlatformPublicKeyPem,
        }).Build())
        .AddSingleton(TimeProvider.System)
        .AddLogging()
        .AddWeChatPayChannel()
        .BuildServiceProvider();

    private static ChannelPaymentRequest Order(string reference, long fen = 1000, string description = "Cloud server", string notifyUrl = "http://127.0.0.1:9/notify") =>
        new(reference, new Adapters.Money.Money(fen, Currency.CNY), description, DateTimeOffset.UtcNow.AddHours(1), notifyUrl);

    [Fact]
    public async Task Native_CorrectlySigned_CreatesAnOrderWithACodeUrl()
    {
        var result = await Channel.CreateAsync(Order("WXORDER01A01"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        Assert.StartsWith("weixin://wxpay/bizpayurl?pr=", result.Action?.QrCode, StringComparison.Ordinal);
        Assert.Equal("NOTPAY", _host.WeChatPay.Orders.Single().TradeState);
    }

    [Fact]
    public async Task Native_SignedWithTheWrongKey_Is401SignError()
    {
        using var wrong = RSA.Create(2048);
        await using var impostor = ChannelFor(wrong.ExportPkcs8PrivateKeyPem());

        var result = await impostor.GetRequiredService<WeChatPayChannel>().CreateAsync(Order("WXORDER02A01"), CancellationToken.None);

        Assert.Equal(("SIGN_ERROR", ChannelOutcome.Failed), (result.NativeCode, result.Outcome));
        Assert.Empty(_host.WeChatPay.Orders);
    }

    [Fact]
    public async Task Native_NoAuthorizationHeader_Is401()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(_host.WeChatPayBaseUrl + "/v3/pay/transactions/native", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("SIGN_ERROR", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SHORT")]                                  // fewer than 6 characters
    [InlineData("THIRTYTHREECHARACTERSLONGORDERNUM")]      // more than 32
    [InlineData("BAD.ORDER.NO")]                           // '.' is not allowed
    public async Task Native_InvalidOutTradeNo_IsParamError(string outTradeNo)
    {
        var result = await Channel.CreateAsync(Order(outTradeNo), CancellationToken.None);
        Assert.Equal(("PARAM_ERROR", "PM-5002"), (result.NativeCode, result.Error?.Code));
    }

    [Fact]
    public async Task Native_DescriptionOver127Characters_IsParamError()
    {
        var result = await Channel.CreateAsync(Order("WXORDER03A01", description: new string('云', 128)), CancellationToken.None);
        Assert.Equal("PARAM_ERROR", result.NativeCode);
    }

    [Fact]
    public async Task Native_SameOrderNumberDifferentAmount_IsOutTradeNoUsed()
    {
        var first = await Channel.CreateAsync(Order("WXORDER04A01", fen: 1000), CancellationToken.None);
        var same = await Channel.CreateAsync(Order("WXORDER04A01", fen: 1000), CancellationToken.None);
        var different = await Channel.CreateAsync(Order("WXORDER04A01", fen: 2000), CancellationToken.None);

        Assert.Equal(first.Action?.QrCode, same.Action?.QrCode);
        Assert.Equal("OUT_TRADE_NO_USED", different.NativeCode);
        Assert.Single(_host.WeChatPay.Orders);
    }

    [Fact]
    public async Task BuyerPays_QueryReportsSuccessAndRefundMovesMoneyOnce()
    {
        var created = await Channel.CreateAsync(Order("WXORDER05A01", fen: 8888), CancellationToken.None);
        Assert.Null(_host.WeChatPay.BuyerPays(created.Action!.QrCode!));

        var query = await Channel.QueryAsync(new("WXORDER05A01"), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Succeeded, 8888L), (query.Outcome, query.ReportedAmountMinor));

        var refund = new ChannelRefundRequest("WXORDER05A01", "WXRF01", new Adapters.Money.Money(888, Currency.CNY), new Adapters.Money.Money(8888, Currency.CNY), "partial");
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.QueryRefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Failed, (await Channel.QueryRefundAsync(refund with { RefundReference = "NEVER" }, CancellationToken.None)).Outcome);
        Assert.Equal([("charge", 8888L), ("refund", 888L)], _host.WeChatPay.Ledger.Select(e => (e.Kind, e.AmountFen)));
    }

    [Fact]
    public async Task Close_Unpaid_CannotBePaidAfterwards_Paid_CannotBeClosed()
    {
        var unpaid = await Channel.CreateAsync(Order("WXORDER06A01"), CancellationToken.None);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.CloseAsync(new("WXORDER06A01"), CancellationToken.None)).Outcome);
        Assert.NotNull(_host.WeChatPay.BuyerPays(unpaid.Action!.QrCode!));

        var paid = await Channel.CreateAsync(Order("WXORDER07A01"), CancellationToken.None);
        _host.WeChatPay.BuyerPays(paid.Action!.QrCode!);
        Assert.NotEqual(ChannelOutcome.Succeeded, (await Channel.CloseAsync(new("WXORDER07A01"), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Faults_OldSpellingSystemError_IsUnknown()
    {
        _host.WeChatPayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "500/SYSTEMERROR" };
        var result = await Channel.CreateAsync(Order("WXORDER08A01"), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, "SYSTEMERROR"), (result.Outcome, result.NativeCode));
        Assert.Empty(_host.WeChatPay.Orders);
    }

    [Fact]
    public async Task Faults_TamperedResponse_IsRejectedButTheOrderExists()
    {
        _host.WeChatPayFaults.Plan = new FaultPlan { TamperRate = 1 };
        var result = await Channel.CreateAsync(Order("WXORDER09A01"), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
        Assert.Single(_host.WeChatPay.Orders);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _host.DisposeAsync();
    }
}
