using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Adapters.UnionPay;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Hosting;
using Paygate.Simulators.UnionPay;

namespace Paygate.Simulators.Tests.UnionPay;

/// <summary>The UnionPay simulator over real HTTP, driven by the real adapter and a stand-in for the payer's browser.</summary>
public sealed class UnionPaySimulatorTests : IAsyncLifetime
{
    private readonly HttpClient _browser = new();
    private SimulatorHost _host = null!;
    private UnionPaySandboxMerchant _merchant = null!;
    private ServiceProvider _services = null!;

    private UnionPayChannel Channel => _services.GetRequiredService<UnionPayChannel>();

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync();
        _merchant = _host.UnionPay.IssueSandboxMerchant();
        _services = ChannelFor(_merchant.PrivateKeyPem, _merchant.RootCertificatePem);
    }

    private ServiceProvider ChannelFor(string privateKeyPem, string rootPem) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:UnionPay:BaseUrl"] = _host.UnionPayBaseUrl,
            ["Channels:UnionPay:MerId"] = _merchant.MerId,
            ["Channels:UnionPay:SigningCertificatePem"] = _merchant.SigningCertificatePem,
            ["Channels:UnionPay:PrivateKeyPem"] = privateKeyPem,
            ["Channels:UnionPay:RootCertificatePem"] = rootPem,
            ["Channels:UnionPay:MiddleCertificatePem"] = _merchant.MiddleCertificatePem,
        }).Build())
        .AddSingleton(TimeProvider.System)
        .AddLogging()
        .AddUnionPayChannel()
        .BuildServiceProvider();

    private static ChannelPaymentRequest Order(string orderId, long fen = 1000) =>
        new(orderId, new Adapters.Money.Money(fen, Currency.CNY), "Cloud server", DateTimeOffset.UtcNow.AddHours(1), "http://127.0.0.1:9/notify/unionpay", CreateTime: DateTimeOffset.UtcNow);

    /// <summary>The payer's browser submits the signed form; returns the page it lands on.</summary>
    private async Task<string> PostFormAsync(PayerAction action)
    {
        using var response = await _browser.PostAsync(action.RedirectUrl, new FormUrlEncodedContent(action.RedirectForm!));
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Consume_FormPostedPaidQueriedAndRefunded()
    {
        var request = Order("UPORDER0001A01", 8888);
        var created = await Channel.CreateAsync(request, CancellationToken.None);

        Assert.Equal(ChannelOutcome.RequiresAction, created.Outcome);
        var form = created.Action!.RedirectForm!;
        Assert.Equal(("5.1.0", "01", "01", "000201", "156", "8888"), (form["version"], form["signMethod"], form["txnType"], form["bizType"], form["currencyCode"], form["txnAmt"]));
        Assert.Matches("^[0-9]+$", form["certId"]); // decimal, not hex
        Assert.Contains("银联在线支付", await PostFormAsync(created.Action));

        Assert.Equal(ChannelOutcome.Unknown, (await Channel.QueryAsync(request.Order, CancellationToken.None)).Outcome); // posted, not yet paid: 05
        Assert.Null(_host.UnionPay.BuyerPays("UPORDER0001A01"));
        var paid = await Channel.QueryAsync(request.Order, CancellationToken.None);
        Assert.Equal((ChannelOutcome.Succeeded, 8888L), (paid.Outcome, paid.ReportedAmountMinor));

        var refund = new ChannelRefundRequest("UPORDER0001A01", "UPREFUND0001", new Adapters.Money.Money(888, Currency.CNY), new Adapters.Money.Money(8888, Currency.CNY), "partial",
            paid.ChannelTransactionId, DateTimeOffset.UtcNow);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.QueryRefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal([("charge", 8888L), ("refund", 888L)], _host.UnionPay.Ledger.Select(e => (e.Kind, e.Amount)));
    }

    [Fact]
    public async Task RefundLeftAccepted_MovesMoneyWhenSettled_AndNotifiesTheRefundsBackUrl()
    {
        var request = Order("UPORDER0002A01", 5000);
        var created = await Channel.CreateAsync(request, CancellationToken.None);
        await PostFormAsync(created.Action!);
        Assert.Null(_host.UnionPay.BuyerPays("UPORDER0002A01"));
        var paid = await Channel.QueryAsync(request.Order, CancellationToken.None);
        _host.UnionPay.RefundsPending = true;
        var refund = new ChannelRefundRequest("UPORDER0002A01", "UPREFUND0002", new Adapters.Money.Money(2000, Currency.CNY), new Adapters.Money.Money(5000, Currency.CNY), "partial",
            paid.ChannelTransactionId, DateTimeOffset.UtcNow, "http://127.0.0.1:9/notify/unionpay");

        var accepted = await Channel.RefundAsync(refund, CancellationToken.None);
        Assert.True(_host.UnionPay.SettleRefund("UPREFUND0002"));

        Assert.Equal(ChannelOutcome.Unknown, accepted.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.QueryRefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Single(_host.UnionPay.Ledger, e => e.Kind == "refund" && e.OrderId == "UPREFUND0002");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!_host.UnionPay.Notifier.Deliveries.Any(d => d.OutTradeNo == "UPREFUND0002"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the refund was not notified");
            await Task.Delay(50);
        }
        var sent = _host.UnionPay.Notifier.Deliveries.First(d => d.OutTradeNo == "UPREFUND0002").Request!;
        Assert.Equal("http://127.0.0.1:9/notify/unionpay", sent.Url);
        var notice = Channel.ParseNotification(new Dictionary<string, string>(), sent.Body);
        Assert.Equal(("UPREFUND0002", ChannelOutcome.Succeeded), (notice.RefundReference, notice.Result.Outcome));
    }

    [Fact]
    public async Task Query_NeverPostedBeforePayTimeout_IsStillPayable()
    {
        var request = Order("UPORDER0002A01");
        var result = await Channel.QueryAsync(request.Order, CancellationToken.None);
        Assert.Equal((ChannelOutcome.RequiresAction, "34"), (result.Outcome, result.NativeCode));
        Assert.Equal(ChannelOutcome.Unknown, (await Channel.CloseAsync(request.Order, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Front_TamperedForm_IsRefusedWithRespCode11()
    {
        var created = await Channel.CreateAsync(Order("UPORDER0003A01", 1000), CancellationToken.None);
        var form = new Dictionary<string, string>(created.Action!.RedirectForm!) { ["txnAmt"] = "1" };

        using var response = await _browser.PostAsync(created.Action.RedirectUrl, new FormUrlEncodedContent(form));

        Assert.Contains("respCode=11", await response.Content.ReadAsStringAsync());
        Assert.Empty(_host.UnionPay.Orders);
    }

    [Fact]
    public async Task Front_SameOrderOtherAmount_IsDuplicateTransaction()
    {
        var first = await Channel.CreateAsync(Order("UPORDER0004A01", 1000) with { CreateTime = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour), TimeSpan.Zero) }, CancellationToken.None);
        await PostFormAsync(first.Action!);
        var second = await Channel.CreateAsync(Order("UPORDER0004A01", 2000) with { CreateTime = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour), TimeSpan.Zero) }, CancellationToken.None);
        Assert.Contains("respCode=12", await PostFormAsync(second.Action!));
    }

    [Fact]
    public async Task Answers_FromACertificateOutsideTheTrustedRoot_AreRejected()
    {
        using var otherRootKey = RSA.Create(2048);
        var otherRoot = new CertificateRequest("CN=Someone Else", otherRootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        await using var distrustful = ChannelFor(_merchant.PrivateKeyPem, otherRoot.ExportCertificatePem());

        var result = await distrustful.GetRequiredService<UnionPayChannel>().QueryAsync(Order("UPORDER0005A01").Order, CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Query_SignedWithTheWrongMerchantKey_IsRespCode11()
    {
        using var wrong = RSA.Create(2048);
        await using var impostor = ChannelFor(wrong.ExportPkcs8PrivateKeyPem(), _merchant.RootCertificatePem);
        var result = await impostor.GetRequiredService<UnionPayChannel>().QueryAsync(Order("UPORDER0006A01").Order, CancellationToken.None);
        Assert.Equal(("11", "PM-6005"), (result.NativeCode, result.Error?.Code));
    }

    [Fact]
    public async Task Faults_TamperedAnswer_IsRejected()
    {
        _host.UnionPayFaults.Plan = new FaultPlan { TamperRate = 1 };
        var result = await Channel.QueryAsync(Order("UPORDER0007A01").Order, CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
    }

    [Theory]
    [InlineData("03")]
    [InlineData("04")]
    [InlineData("05")]
    public async Task Faults_UncertainRespCodes_AreUnknown(string code)
    {
        _host.UnionPayFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = code };
        var result = await Channel.QueryAsync(Order("UPORDER0008A01").Order, CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, code), (result.Outcome, result.NativeCode));
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _services.DisposeAsync();
        await _host.DisposeAsync();
    }
}
