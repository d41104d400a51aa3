using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Alipay;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Simulators.Alipay;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Hosting;

namespace Paygate.Simulators.Tests.Alipay;

/// <summary>The Alipay simulator over real HTTP, driven by the real adapter and by raw requests.</summary>
public sealed class AlipaySimulatorTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private AlipaySandboxApp _app = null!;
    private ServiceProvider _services = null!;
    private readonly HttpClient _http = new();

    private AlipayChannel Channel => _services.GetRequiredService<AlipayChannel>();

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync();
        _app = _host.Alipay.IssueSandboxApp();
        _services = ChannelFor(_app.MerchantPrivateKeyPem);
    }

    private ServiceProvider ChannelFor(string merchantPrivateKeyPem) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Alipay:GatewayUrl"] = _host.AlipayGatewayUrl,
            ["Channels:Alipay:AppId"] = _app.AppId,
            ["Channels:Alipay:PrivateKeyPem"] = merchantPrivateKeyPem,
            ["Channels:Alipay:AlipayPublicKeyPem"] = _app.AlipayPublicKeyPem,
            ["Channels:Alipay:TimeoutSeconds"] = "10",
        }).Build())
        .AddSingleton(TimeProvider.System)
        .AddLogging()
        .AddAlipayChannel()
        .BuildServiceProvider();

    private static ChannelPaymentRequest Order(string reference, long fen = 1000, string subject = "Cloud server", string notifyUrl = "") =>
        new(reference, new Adapters.Money.Money(fen, Currency.CNY), subject, DateTimeOffset.UtcNow.AddHours(1), notifyUrl);

    [Fact]
    public async Task Precreate_CorrectlySigned_CreatesAnOrderWithAQrCode()
    {
        var result = await Channel.CreateAsync(Order("ORDER0001A01"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        Assert.StartsWith("https://qr.alipay.com/", result.Action?.QrCode, StringComparison.Ordinal);
        Assert.Equal("WAIT_BUYER_PAY", _host.Alipay.Orders.Single().TradeStatus);
    }

    [Fact]
    public async Task Precreate_SignedWithTheWrongKey_IsRefusedWithInvalidSignature()
    {
        using var wrongKey = RSA.Create(2048);
        using var impostor = ChannelFor(wrongKey.ExportPkcs8PrivateKeyPem());

        var result = await impostor.GetRequiredService<AlipayChannel>().CreateAsync(Order("ORDER0002A01"), CancellationToken.None);

        Assert.Equal("40002/isv.invalid-signature", result.NativeCode);
        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Empty(_host.Alipay.Orders);
    }

    [Fact]
    public async Task Gateway_TamperedParameterAfterSigning_IsRefusedAndResponseIsSigned()
    {
        // Sign a request, then change the amount: the network must notice.
        using var merchant = RSA.Create();
        merchant.ImportFromPem(_app.MerchantPrivateKeyPem);
        var form = new Dictionary<string, string>
        {
            ["app_id"] = _app.AppId,
            ["method"] = "alipay.trade.precreate",
            ["format"] = "json",
            ["charset"] = "utf-8",
            ["sign_type"] = "RSA2",
            ["timestamp"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss"),
            ["version"] = "1.0",
            ["biz_content"] = "{\"out_trade_no\":\"ORDER0003A01\",\"total_amount\":\"100.00\",\"subject\":\"x\"}",
        };
        var content = string.Join('&', form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        form["sign"] = Convert.ToBase64String(merchant.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        form["biz_content"] = form["biz_content"].Replace("100.00", "0.01", StringComparison.Ordinal);

        using var response = await _http.PostAsync(_host.AlipayGatewayUrl, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(body);
        var node = doc.RootElement.GetProperty("alipay_trade_precreate_response");
        Assert.Equal("40002", node.GetProperty("code").GetString());
        Assert.Equal("isv.invalid-signature", node.GetProperty("sub_code").GetString());
        Assert.True(doc.RootElement.TryGetProperty("sign", out _));
        Assert.Empty(_host.Alipay.Orders);
    }

    [Fact]
    public async Task Precreate_SameOrderNumberSameContent_ReturnsTheSameQrCode()
    {
        var first = await Channel.CreateAsync(Order("ORDER0004A01"), CancellationToken.None);
        var second = await Channel.CreateAsync(Order("ORDER0004A01"), CancellationToken.None);

        Assert.Equal(first.Action?.QrCode, second.Action?.QrCode);
        Assert.Single(_host.Alipay.Orders);
    }

    [Fact]
    public async Task Precreate_SameOrderNumberDifferentContent_IsRefused()
    {
        await Channel.CreateAsync(Order("ORDER0005A01", fen: 1000), CancellationToken.None);
        var second = await Channel.CreateAsync(Order("ORDER0005A01", fen: 2000), CancellationToken.None);

        Assert.Equal("40004/ACQ.CONTEXT_INCONSISTENT", second.NativeCode);
        Assert.Equal(1000, _host.Alipay.Orders.Single().TotalFen);
    }

    [Fact]
    public async Task BuyerPays_ChargesTheLedgerOnceAndQueryReportsSuccess()
    {
        var created = await Channel.CreateAsync(Order("ORDER0006A01", fen: 8888), CancellationToken.None);

        Assert.Null(_host.Alipay.BuyerPays(created.Action!.QrCode!));
        Assert.NotNull(_host.Alipay.BuyerPays(created.Action!.QrCode!)); // a paid order cannot be paid again

        var charge = Assert.Single(_host.Alipay.Ledger);
        Assert.Equal(("ORDER0006A01", "charge", 8888L), (charge.OutTradeNo, charge.Kind, charge.AmountFen));
        var query = await Channel.QueryAsync(new("ORDER0006A01"), CancellationToken.None);
        Assert.Equal(ChannelOutcome.Succeeded, query.Outcome);
        Assert.Equal(8888, query.ReportedAmountMinor);
    }

    [Fact]
    public async Task Close_UnpaidOrder_CannotBePaidAfterwards()
    {
        var created = await Channel.CreateAsync(Order("ORDER0007A01"), CancellationToken.None);

        var closed = await Channel.CloseAsync(new("ORDER0007A01"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, closed.Outcome);
        Assert.NotNull(_host.Alipay.BuyerPays(created.Action!.QrCode!));
        Assert.Empty(_host.Alipay.Ledger);
    }

    [Fact]
    public async Task Close_PaidOrder_IsRefused()
    {
        var created = await Channel.CreateAsync(Order("ORDER0008A01"), CancellationToken.None);
        _host.Alipay.BuyerPays(created.Action!.QrCode!);

        var closed = await Channel.CloseAsync(new("ORDER0008A01"), CancellationToken.None);

        Assert.NotEqual(ChannelOutcome.Succeeded, closed.Outcome);
        Assert.Equal("40004/ACQ.TRADE_STATUS_ERROR", closed.NativeCode);
    }

    [Fact]
    public async Task Refund_SameOutRequestNoTwice_MovesMoneyOnce()
    {
        var created = await Channel.CreateAsync(Order("ORDER0009A01", fen: 5000), CancellationToken.None);
        _host.Alipay.BuyerPays(created.Action!.QrCode!);
        var refund = new ChannelRefundRequest("ORDER0009A01", "RF1", new Adapters.Money.Money(2000, Currency.CNY), new Adapters.Money.Money(5000, Currency.CNY), "partial");

        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);

        Assert.Single(_host.Alipay.Ledger, e => e.Kind == "refund");
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.QueryRefundAsync(refund, CancellationToken.None)).Outcome);
        var absent = await Channel.QueryRefundAsync(refund with { RefundReference = "RF-NEVER" }, CancellationToken.None);
        Assert.Equal((ChannelOutcome.Failed, "PM-4005"), (absent.Outcome, absent.Error?.Code));
        var tooMuch = await Channel.RefundAsync(refund with { RefundReference = "RF2", Amount = new Adapters.Money.Money(3001, Currency.CNY) }, CancellationToken.None);
        Assert.NotEqual(ChannelOutcome.Succeeded, tooMuch.Outcome);
    }

    [Fact]
    public async Task Faults_LoseResponse_ProcessesTheOrderButTheMerchantHearsNothing()
    {
        _host.AlipayFaults.Plan = new FaultPlan { LoseResponseRate = 1, Methods = ["alipay.trade.precreate"] };

        var result = await Channel.CreateAsync(Order("ORDER0010A01"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Single(_host.Alipay.Orders); // it was processed
        _host.AlipayFaults.Plan = FaultPlan.None;
        Assert.Equal(ChannelOutcome.RequiresAction, (await Channel.QueryAsync(new("ORDER0010A01"), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Faults_InjectedNativeError_IsAnsweredSignedWithoutProcessing()
    {
        _host.AlipayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "40004/ACQ.SYSTEM_ERROR" };

        var result = await Channel.CreateAsync(Order("ORDER0011A01"), CancellationToken.None);

        Assert.Equal("40004/ACQ.SYSTEM_ERROR", result.NativeCode);
        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Empty(_host.Alipay.Orders);
    }

    [Fact]
    public async Task Faults_Outage_AnswersServiceUnavailable()
    {
        _host.AlipayFaults.Plan = new FaultPlan { OutageUntil = DateTimeOffset.UtcNow.AddMinutes(5) };
        var result = await Channel.CreateAsync(Order("ORDER0012A01"), CancellationToken.None);
        Assert.Equal("HTTP 503", result.NativeCode);
        Assert.Empty(_host.Alipay.Orders);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _host.DisposeAsync();
        _http.Dispose();
    }
}
