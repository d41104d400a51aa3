using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Adapters.WeChatPay;
using Paygate.Simulators.Hosting;

namespace Paygate.Simulators.Tests.WeChatPay;

/// <summary>WeChat Pay notifications: encrypted and signed so that the real adapter accepts them, resent until acknowledged.</summary>
public sealed class WeChatPayNotifierTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<ChannelNotification> _received = [];
    private SimulatorHost _host = null!;
    private ServiceProvider _services = null!;
    private WebApplication _merchant = null!;
    private int _failuresLeft = 2;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(clock: _clock);
        var m = _host.WeChatPay.IssueSandboxMerchant();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Channels:WeChatPay:BaseUrl"] = _host.WeChatPayBaseUrl,
                ["Channels:WeChatPay:MchId"] = m.MchId,
                ["Channels:WeChatPay:AppId"] = m.AppId,
                ["Channels:WeChatPay:MerchantSerialNo"] = m.MerchantSerialNo,
                ["Channels:WeChatPay:PrivateKeyPem"] = m.MerchantPrivateKeyPem,
                ["Channels:WeChatPay:ApiV3Key"] = m.ApiV3Key,
                [$"Channels:WeChatPay:PlatformPublicKeys:{m.PlatformSerialNo}"] = m.PlatformPublicKeyPem,
            }).Build())
            .AddSingleton<TimeProvider>(_clock)
            .AddLogging()
            .AddWeChatPayChannel()
            .BuildServiceProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _merchant = builder.Build();
        var channel = _services.GetRequiredService<WeChatPayChannel>();
        _merchant.MapPost("/notify", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            lock (_received)
            {
                _received.Add(channel.ParseNotification(headers, body));
                if (_failuresLeft-- > 0)
                {
                    return Results.Json(new { code = "FAIL", message = "busy" }, statusCode: 500);
                }
            }
            return Results.NoContent();
        });
        await _merchant.StartAsync();
    }

    [Fact]
    public async Task Notification_FailedTwice_IsResentAt15sThen15sAndAcknowledged()
    {
        var channel = _services.GetRequiredService<WeChatPayChannel>();
        var created = await channel.CreateAsync(new ChannelPaymentRequest("WXNOTIFY01A01", new Adapters.Money.Money(1234, Currency.CNY), "x",
            _clock.GetUtcNow().AddHours(1), _merchant.Urls.First() + "/notify"), CancellationToken.None);
        Assert.Null(_host.WeChatPay.BuyerPays(created.Action!.QrCode!));

        await _host.WeChatPay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromSeconds(14));
        await _host.WeChatPay.Notifier.DeliverDueAsync();
        Assert.Single(_host.WeChatPay.Notifier.Deliveries);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _host.WeChatPay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromSeconds(15));
        await _host.WeChatPay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await _host.WeChatPay.Notifier.DeliverDueAsync();

        Assert.Equal([false, false, true], _host.WeChatPay.Notifier.Deliveries.Select(d => d.Acknowledged));
        Assert.All(_received, n => Assert.Equal((ChannelOutcome.Succeeded, 1234L), (n.Result.Outcome, n.Result.ReportedAmountMinor)));
        Assert.Single(_received.Select(n => n.NotificationId).Distinct());
    }

    [Fact]
    public async Task RefundLeftProcessing_IsNotifiedWhenItSettles_OnTheSameSchedule()
    {
        var channel = _services.GetRequiredService<WeChatPayChannel>();
        var notifyUrl = _merchant.Urls.First() + "/notify";
        var created = await channel.CreateAsync(new ChannelPaymentRequest("WXNOTIFY02A01", new Adapters.Money.Money(5000, Currency.CNY), "x",
            _clock.GetUtcNow().AddHours(1), notifyUrl), CancellationToken.None);
        Assert.Null(_host.WeChatPay.BuyerPays(created.Action!.QrCode!));
        _failuresLeft = 0;
        await _host.WeChatPay.Notifier.DeliverDueAsync();
        _host.WeChatPay.RefundsPending = true;
        var request = new ChannelRefundRequest("WXNOTIFY02A01", "WXNOTIFY02A01F01", new Adapters.Money.Money(2000, Currency.CNY), new Adapters.Money.Money(5000, Currency.CNY),
            "returned", NotifyUrl: notifyUrl);

        var refund = await channel.RefundAsync(request, CancellationToken.None);
        _failuresLeft = 1;
        Assert.True(_host.WeChatPay.SettleRefund("WXNOTIFY02A01F01"));
        await _host.WeChatPay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromSeconds(15));
        await _host.WeChatPay.Notifier.DeliverDueAsync();

        Assert.Equal((ChannelOutcome.Unknown, "PROCESSING"), (refund.Outcome, refund.NativeCode));
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.QueryRefundAsync(request, CancellationToken.None)).Outcome);
        var notices = _received.Where(n => n.RefundReference is not null).ToList();
        Assert.Equal(2, notices.Count);
        Assert.All(notices, n => Assert.Equal(("WXNOTIFY02A01", "WXNOTIFY02A01F01", ChannelOutcome.Succeeded), (n.Reference, n.RefundReference, n.Result.Outcome)));
        Assert.Equal([false, true], _host.WeChatPay.Notifier.Deliveries.Where(d => d.OutTradeNo == "WXNOTIFY02A01F01").Select(d => d.Acknowledged));
    }

    public async Task DisposeAsync()
    {
        await _merchant.DisposeAsync();
        await _services.DisposeAsync();
        await _host.DisposeAsync();
    }
}
