using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Alipay;
using Paygate.Adapters.Card;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Adapters.UnionPay;
using Paygate.Adapters.WeChatPay;
using Paygate.Simulators.Hosting;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Tests.Settlement;

/// <summary>
/// Each simulated network's daily settlement file over real HTTP: built from what the network really settled, fetched
/// and verified by the real adapter through the network's own API, read back line by line; and the fault plan's departures.
/// </summary>
public sealed class SettlementFileTests : IAsyncLifetime
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly HttpClient _http = new();
    private SimulatorHost _host = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync();
        var app = _host.Alipay.IssueSandboxApp();
        var wechat = _host.WeChatPay.IssueSandboxMerchant();
        var unionpay = _host.UnionPay.IssueSandboxMerchant();
        var card = _host.Card.IssueSandboxAccount();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Channels:Alipay:GatewayUrl"] = _host.AlipayGatewayUrl,
                ["Channels:Alipay:AppId"] = app.AppId,
                ["Channels:Alipay:PrivateKeyPem"] = app.MerchantPrivateKeyPem,
                ["Channels:Alipay:AlipayPublicKeyPem"] = app.AlipayPublicKeyPem,
                ["Channels:WeChatPay:BaseUrl"] = _host.WeChatPayBaseUrl,
                ["Channels:WeChatPay:MchId"] = wechat.MchId,
                ["Channels:WeChatPay:AppId"] = wechat.AppId,
                ["Channels:WeChatPay:MerchantSerialNo"] = wechat.MerchantSerialNo,
                ["Channels:WeChatPay:PrivateKeyPem"] = wechat.MerchantPrivateKeyPem,
                ["Channels:WeChatPay:ApiV3Key"] = wechat.ApiV3Key,
                [$"Channels:WeChatPay:PlatformPublicKeys:{wechat.PlatformSerialNo}"] = wechat.PlatformPublicKeyPem,
                ["Channels:UnionPay:BaseUrl"] = _host.UnionPayBaseUrl,
                ["Channels:UnionPay:MerId"] = unionpay.MerId,
                ["Channels:UnionPay:SigningCertificatePem"] = unionpay.SigningCertificatePem,
                ["Channels:UnionPay:PrivateKeyPem"] = unionpay.PrivateKeyPem,
                ["Channels:UnionPay:RootCertificatePem"] = unionpay.RootCertificatePem,
                ["Channels:UnionPay:MiddleCertificatePem"] = unionpay.MiddleCertificatePem,
                ["Channels:Card:BaseUrl"] = _host.CardBaseUrl,
                ["Channels:Card:MerchantAccount"] = card.MerchantAccount,
                ["Channels:Card:ApiKey"] = card.ApiKey,
                ["Channels:Card:SigningSecret"] = card.SigningSecret,
            }).Build())
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddAlipayChannel()
            .AddWeChatPayChannel()
            .AddUnionPayChannel()
            .AddCardChannel()
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _host.DisposeAsync();
        _http.Dispose();
    }

    private static DateOnly Today(TimeSpan offset) => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(offset).DateTime);

    private static ChannelPaymentRequest Order(string reference, long amount, string currency = "CNY", PaymentCard? card = null) =>
        new(reference, new Adapters.Money.Money(amount, Currency.TryFind(currency, out var c) ? c : Currency.CNY), "Cloud server", DateTimeOffset.UtcNow.AddHours(1),
            "http://127.0.0.1:9/notify", card, DateTimeOffset.UtcNow);

    private static ChannelRefundRequest Refund(string reference, string refundReference, long amount, long total, string? transactionId = null, string currency = "CNY") =>
        new(reference, refundReference, new Adapters.Money.Money(amount, Currency.TryFind(currency, out var c) ? c : Currency.CNY),
            new Adapters.Money.Money(total, Currency.TryFind(currency, out var t) ? t : Currency.CNY), "partial", transactionId, DateTimeOffset.UtcNow);

    private async Task PaidAlipayAsync(string reference, long fen)
    {
        var channel = _services.GetRequiredService<AlipayChannel>();
        var created = await channel.CreateAsync(Order(reference, fen), CancellationToken.None);
        Assert.Null(_host.Alipay.BuyerPays(created.Action!.QrCode!));
    }

    [Fact]
    public async Task Alipay_TradeBill_IsAZipOfGbkCsvWithSummaryLinesAndListsTheDaysTradesAndRefunds()
    {
        var channel = _services.GetRequiredService<AlipayChannel>();
        await PaidAlipayAsync("ALISETTLE01A01", 1000);
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.RefundAsync(Refund("ALISETTLE01A01", "ALISETTLE01A01F01", 300, 1000), CancellationToken.None)).Outcome);
        await channel.CreateAsync(Order("ALISETTLE02A01", 500), CancellationToken.None); // never paid: not in the bill

        var file = await channel.FetchSettlementAsync(Today(Beijing), CancellationToken.None);

        Assert.EndsWith(".csv.zip", file.Name, StringComparison.Ordinal);
        Assert.Collection(file.Lines,
            l => Assert.Equal((SettlementLineKind.Payment, "ALISETTLE01A01", (string?)null, 1000L, 6L, true), (l.Kind, l.OrderReference, l.RefundReference, l.AmountMinor, l.FeeMinor, l.Succeeded)),
            l => Assert.Equal((SettlementLineKind.Refund, "ALISETTLE01A01", (string?)"ALISETTLE01A01F01", 300L, -2L, true), (l.Kind, l.OrderReference, l.RefundReference, l.AmountMinor, l.FeeMinor, l.Succeeded)));
        Assert.All(file.Lines, l => Assert.Equal(_host.Alipay.Orders.Single(o => o.OutTradeNo == "ALISETTLE01A01").TradeNo, l.TransactionId));
        // The detail rows sit between the opening summary lines (4) and the header: row 1 is line 6.
        Assert.Equal(6, file.Lines[0].LineNumber);
    }

    [Fact]
    public async Task Alipay_BillDownload_ServesGbkBytesThatUtf8CannotRead()
    {
        await PaidAlipayAsync("ALISETTLE03A01", 1200);
        var settled = _host.Alipay.SettledOn(_host.Alipay.Orders.Single().AppId, Today(Beijing));
        var zip = Simulators.Alipay.AlipayTradeBillWriter.Zip("2088", Today(Beijing), settled, DateTimeOffset.UtcNow, t => t);

        using var archive = new ZipArchive(new MemoryStream(zip));
        var detail = archive.Entries.Single(e => e.Name.EndsWith("_业务明细.csv", StringComparison.Ordinal));
        using var bytes = new MemoryStream();
        await detail.Open().CopyToAsync(bytes);
        Assert.Contains("业务明细列表", AlipayTradeBill.Gbk.GetString(bytes.ToArray()), StringComparison.Ordinal);
        Assert.DoesNotContain("业务明细列表", Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal);
        Assert.Contains(archive.Entries, e => e.Name.EndsWith("_业务明细(汇总).csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeChatPay_TradeBill_HasBacktickFieldsAndASummaryAndIsCheckedAgainstItsHash()
    {
        var channel = _services.GetRequiredService<WeChatPayChannel>();
        var created = await channel.CreateAsync(Order("WXSETTLE01A01", 2000), CancellationToken.None);
        Assert.Null(_host.WeChatPay.BuyerPays(created.Action!.QrCode!));
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.RefundAsync(Refund("WXSETTLE01A01", "WXSETTLE01A01F01", 500, 2000), CancellationToken.None)).Outcome);

        var file = await channel.FetchSettlementAsync(Today(Beijing), CancellationToken.None);

        Assert.Collection(file.Lines,
            l => Assert.Equal((SettlementLineKind.Payment, "WXSETTLE01A01", 2000L, 12L, "SUCCESS", true), (l.Kind, l.OrderReference, l.AmountMinor, l.FeeMinor, l.State, l.Succeeded)),
            l => Assert.Equal((SettlementLineKind.Refund, "WXSETTLE01A01F01", 500L, -3L, true), (l.Kind, l.RefundReference, l.AmountMinor, l.FeeMinor, l.Succeeded)));
        Assert.Equal(2, file.Lines[0].LineNumber);
    }

    [Fact]
    public async Task UnionPay_FileTransfer_CarriesTheDeflatedFixedWidthFileInTheSignedAnswer()
    {
        var channel = _services.GetRequiredService<UnionPayChannel>();
        var request = Order("UPSETTLE01A01", 8888);
        var created = await channel.CreateAsync(request, CancellationToken.None);
        using (await _http.PostAsync(created.Action!.RedirectUrl, new FormUrlEncodedContent(created.Action.RedirectForm!)))
        {
        }
        Assert.Null(_host.UnionPay.BuyerPays("UPSETTLE01A01"));
        var paid = await channel.QueryAsync(request.Order, CancellationToken.None);
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.RefundAsync(Refund("UPSETTLE01A01", "UPSETTLE01A01F01", 888, 8888, paid.ChannelTransactionId), CancellationToken.None)).Outcome);

        var file = await channel.FetchSettlementAsync(Today(Beijing), CancellationToken.None);

        Assert.StartsWith("INN", file.Name, StringComparison.Ordinal);
        Assert.Collection(file.Lines,
            l => Assert.Equal((SettlementLineKind.Payment, "UPSETTLE01A01", (string?)null, 8888L, 44L, paid.ChannelTransactionId), (l.Kind, l.OrderReference, l.RefundReference, l.AmountMinor, l.FeeMinor, l.TransactionId)),
            l => Assert.Equal((SettlementLineKind.Refund, "UPSETTLE01A01", (string?)"UPSETTLE01A01F01", 888L, -4L), (l.Kind, l.OrderReference, l.RefundReference, l.AmountMinor, l.FeeMinor)));
    }

    [Fact]
    public async Task Card_SettlementReport_IsSignedCsvWithGrossFeeNetAndBatch()
    {
        var channel = _services.GetRequiredService<CardChannel>();
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.CreateAsync(Order("CARDSETTLE01A01", 12000, "USD", new PaymentCard("4242424242424242", 12, 2030, "123", null)),
            CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.RefundAsync(Refund("CARDSETTLE01A01", "CARDSETTLE01A01F01", 2000, 12000, null, "USD"), CancellationToken.None)).Outcome);

        var file = await channel.FetchSettlementAsync(Today(TimeSpan.Zero), CancellationToken.None);

        Assert.Collection(file.Lines,
            l => Assert.Equal((SettlementLineKind.Payment, "CARDSETTLE01A01", 12000L, "USD", 348L, "captured"), (l.Kind, l.OrderReference, l.AmountMinor, l.Currency, l.FeeMinor, l.State)),
            l => Assert.Equal((SettlementLineKind.Refund, "CARDSETTLE01A01F01", 2000L, "refunded"), (l.Kind, l.RefundReference, l.AmountMinor, l.State)));
    }

    [Fact]
    public async Task FaultPlan_DropsChangesAndAddsLinesAndReportsAnotherState()
    {
        var channel = _services.GetRequiredService<WeChatPayChannel>();
        foreach (var (reference, fen) in new[] { ("WXSETTLE11A01", 1000L), ("WXSETTLE12A01", 2000L), ("WXSETTLE13A01", 3000L) })
        {
            var created = await channel.CreateAsync(Order(reference, fen), CancellationToken.None);
            Assert.Null(_host.WeChatPay.BuyerPays(created.Action!.QrCode!));
        }
        using var set = await _http.PutAsJsonAsync(_host.WeChatPayBaseUrl + "/settlement/faults", new SettlementFaultPlan
        {
            Drop = ["WXSETTLE11A01"],
            Amounts = new Dictionary<string, long> { ["WXSETTLE12A01"] = 1999 },
            States = new Dictionary<string, string> { ["WXSETTLE13A01"] = "PAYERROR" },
            Unknown = [new UnknownSettlementLine("WXNOBODY01A01", 4242)],
        });
        set.EnsureSuccessStatusCode();

        var file = await channel.FetchSettlementAsync(Today(Beijing), CancellationToken.None);

        Assert.Equal([("WXSETTLE12A01", 1999L, true), ("WXSETTLE13A01", 3000L, false), ("WXNOBODY01A01", 4242L, true)],
            file.Lines.Select(l => (l.OrderReference, l.AmountMinor, l.Succeeded)));
    }

    [Fact]
    public async Task FaultPlan_DamagedLine_EveryNetworksFileIsRefusedNamingTheLine()
    {
        await PaidAlipayAsync("ALISETTLE21A01", 1000);
        var wechat = _services.GetRequiredService<WeChatPayChannel>();
        Assert.Null(_host.WeChatPay.BuyerPays((await wechat.CreateAsync(Order("WXSETTLE21A01", 1000), CancellationToken.None)).Action!.QrCode!));
        var card = _services.GetRequiredService<CardChannel>();
        await card.CreateAsync(Order("CARDSETTLE21A01", 12000, "USD", new PaymentCard("4242424242424242", 12, 2030, "123", null)), CancellationToken.None);
        var unionpay = _services.GetRequiredService<UnionPayChannel>();
        var created = await unionpay.CreateAsync(Order("UPSETTLE21A01", 1000), CancellationToken.None);
        using (await _http.PostAsync(created.Action!.RedirectUrl, new FormUrlEncodedContent(created.Action.RedirectForm!)))
        {
        }
        Assert.Null(_host.UnionPay.BuyerPays("UPSETTLE21A01"));

        _host.Alipay.Settlement.Plan = new SettlementFaultPlan { CorruptLine = 6 };
        _host.WeChatPay.Settlement.Plan = new SettlementFaultPlan { CorruptLine = 2 };
        _host.UnionPay.Settlement.Plan = new SettlementFaultPlan { CorruptLine = 1 };
        _host.Card.Settlement.Plan = new SettlementFaultPlan { CorruptLine = 2 };

        Assert.Equal(6, (await Assert.ThrowsAsync<SettlementFormatException>(() => _services.GetRequiredService<AlipayChannel>().FetchSettlementAsync(Today(Beijing), CancellationToken.None))).Line);
        Assert.Equal(2, (await Assert.ThrowsAsync<SettlementFormatException>(() => wechat.FetchSettlementAsync(Today(Beijing), CancellationToken.None))).Line);
        Assert.Equal(1, (await Assert.ThrowsAsync<SettlementFormatException>(() => unionpay.FetchSettlementAsync(Today(Beijing), CancellationToken.None))).Line);
        Assert.Equal(2, (await Assert.ThrowsAsync<SettlementFormatException>(() => card.FetchSettlementAsync(Today(TimeSpan.Zero), CancellationToken.None))).Line);
    }

    [Fact]
    public async Task Bills_OfADayStillToCome_AreRefusedAsNotHad()
    {
        var tomorrow = Today(Beijing).AddDays(2);
        await Assert.ThrowsAsync<SettlementFetchException>(() => _services.GetRequiredService<AlipayChannel>().FetchSettlementAsync(tomorrow, CancellationToken.None));
        await Assert.ThrowsAsync<SettlementFetchException>(() => _services.GetRequiredService<WeChatPayChannel>().FetchSettlementAsync(tomorrow, CancellationToken.None));
        await Assert.ThrowsAsync<SettlementFetchException>(() => _services.GetRequiredService<CardChannel>().FetchSettlementAsync(tomorrow, CancellationToken.None));
    }
}
