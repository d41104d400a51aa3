using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Alipay;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Simulators.Alipay;
using Paygate.Simulators.Hosting;

namespace Paygate.Simulators.Tests.Alipay;

/// <summary>Notifications: signed so that the real adapter accepts them, resent on Alipay's schedule until acknowledged.</summary>
public sealed class AlipayNotifierTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SimulatorHost _host = null!;
    private AlipaySandboxApp _app = null!;
    private ServiceProvider _services = null!;
    private WebApplication _merchant = null!;
    private readonly List<string> _received = [];
    private int _failuresLeft;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(clock: _clock);
        _app = _host.Alipay.IssueSandboxApp();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Channels:Alipay:GatewayUrl"] = _host.AlipayGatewayUrl,
                ["Channels:Alipay:AppId"] = _app.AppId,
                ["Channels:Alipay:PrivateKeyPem"] = _app.MerchantPrivateKeyPem,
                ["Channels:Alipay:AlipayPublicKeyPem"] = _app.AlipayPublicKeyPem,
            }).Build())
            .AddSingleton<TimeProvider>(_clock)
            .AddLogging()
            .AddAlipayChannel()
            .BuildServiceProvider();

        // A merchant endpoint that verifies with the real adapter and fails on purpose a number of times.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _merchant = builder.Build();
        var channel = _services.GetRequiredService<AlipayChannel>();
        _merchant.MapPost("/notify", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            var notification = channel.ParseNotification(new Dictionary<string, string>(), body);
            lock (_received)
            {
                _received.Add(notification.NotificationId);
                if (_failuresLeft-- > 0)
                {
                    return Results.Text("fail");
                }
            }
            return Results.Text("success");
        });
        await _merchant.StartAsync();
    }

    private async Task<string> PaidOrderAsync(string reference)
    {
        var url = _merchant.Urls.First() + "/notify";
        var created = await _services.GetRequiredService<AlipayChannel>().CreateAsync(
            new ChannelPaymentRequest(reference, new Adapters.Money.Money(1234, Currency.CNY), "x", _clock.GetUtcNow().AddHours(2), url), CancellationToken.None);
        Assert.Null(_host.Alipay.BuyerPays(created.Action!.QrCode!));
        return reference;
    }

    [Fact]
    public async Task Notification_AcknowledgedAtOnce_IsSentOnce()
    {
        await PaidOrderAsync("NOTIFY0001A01");

        await _host.Alipay.Notifier.DeliverDueAsync();

        var delivery = Assert.Single(_host.Alipay.Notifier.Deliveries);
        Assert.True(delivery.Acknowledged);
        Assert.Equal(0, _host.Alipay.Notifier.PendingCount);
    }

    [Fact]
    public async Task Notification_NotAcknowledged_IsResentOnThePublishedScheduleThenGivenUp()
    {
        _failuresLeft = int.MaxValue;
        await PaidOrderAsync("NOTIFY0002A01");

        await _host.Alipay.Notifier.DeliverDueAsync();
        var expectedGaps = new[] { 4, 10, 10, 60, 120, 360, 900 }; // minutes
        foreach (var gap in expectedGaps)
        {
            _clock.Advance(TimeSpan.FromMinutes(gap) - TimeSpan.FromSeconds(1));
            var before = _host.Alipay.Notifier.Deliveries.Count;
            await _host.Alipay.Notifier.DeliverDueAsync();
            Assert.Equal(before, _host.Alipay.Notifier.Deliveries.Count); // not yet due
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _host.Alipay.Notifier.DeliverDueAsync();
            Assert.Equal(before + 1, _host.Alipay.Notifier.Deliveries.Count);
        }

        Assert.Equal(8, _host.Alipay.Notifier.Deliveries.Count);
        Assert.Equal(0, _host.Alipay.Notifier.PendingCount);
        Assert.Single(_host.Alipay.Notifier.Deliveries.Select(d => d.NotifyId).Distinct()); // same notify_id every time
        _clock.Advance(TimeSpan.FromDays(2));
        await _host.Alipay.Notifier.DeliverDueAsync();
        Assert.Equal(8, _host.Alipay.Notifier.Deliveries.Count);
    }

    [Fact]
    public async Task Notification_AcknowledgedOnTheThirdSend_StopsThere()
    {
        _failuresLeft = 2;
        await PaidOrderAsync("NOTIFY0003A01");

        await _host.Alipay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromMinutes(4));
        await _host.Alipay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromMinutes(10));
        await _host.Alipay.Notifier.DeliverDueAsync();
        _clock.Advance(TimeSpan.FromHours(30));
        await _host.Alipay.Notifier.DeliverDueAsync();

        Assert.Equal([false, false, true], _host.Alipay.Notifier.Deliveries.Select(d => d.Acknowledged));
    }

    public async Task DisposeAsync()
    {
        await _merchant.DisposeAsync();
        await _services.DisposeAsync();
        await _host.DisposeAsync();
    }
}
