using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Paygate.Simulators.Alipay;
using Paygate.Simulators.BankTransfer;
using Paygate.Simulators.Card;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Fx;
using Paygate.Simulators.Swift;
using Paygate.Simulators.UnionPay;
using Paygate.Simulators.WeChatPay;

namespace Paygate.Simulators.Hosting;

/// <summary>
/// Runs every simulated network behind one real HTTP listener on loopback, either inside another process
/// (tests, the gateway's sandbox mode) or as its own process (drills).
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop = new();
    private Task? _notifierLoop;

    private SimulatorHost(WebApplication app, TimeProvider clock)
    {
        _app = app;
        Clock = clock;
        Alipay = new AlipaySimulator(clock);
        AlipayFaults = new FaultInjector(clock);
        WeChatPay = new WeChatPaySimulator(clock);
        WeChatPayFaults = new FaultInjector(clock);
        app.MapAlipaySimulator(Alipay, AlipayFaults);
        Card = new CardAcquirerSimulator(clock);
        CardFaults = new FaultInjector(clock);
        app.MapWeChatPaySimulator(WeChatPay, WeChatPayFaults);
        UnionPay = new UnionPaySimulator(clock);
        UnionPayFaults = new FaultInjector(clock);
        app.MapCardSimulator(Card, CardFaults);
        app.MapUnionPaySimulator(UnionPay, UnionPayFaults);
        Swift = new SwiftNetworkSimulator(clock);
        SwiftFaults = new FaultInjector(clock);
        app.MapSwiftSimulator(Swift, SwiftFaults);
        FxRates = new FxRatesSimulator(clock);
        FxFaults = new FaultInjector(clock);
        app.MapFxRatesSimulator(FxRates, FxFaults);
        Bank = new BankSimulator(clock);
        BankFaults = new FaultInjector(clock);
        app.MapBankSimulator(Bank, BankFaults);
        app.MapGet("/", () => "Paygate network simulators: /alipay, /wechatpay, /unionpay, /card, /bank, /swift, /fx");
    }

    public AlipaySimulator Alipay { get; }
    public FaultInjector AlipayFaults { get; }
    public WeChatPaySimulator WeChatPay { get; }
    public FaultInjector WeChatPayFaults { get; }
    public CardAcquirerSimulator Card { get; }
    public FaultInjector CardFaults { get; }
    public UnionPaySimulator UnionPay { get; }
    public FaultInjector UnionPayFaults { get; }
    public SwiftNetworkSimulator Swift { get; }
    public FaultInjector SwiftFaults { get; }
    public FxRatesSimulator FxRates { get; }
    public BankSimulator Bank { get; }
    public FaultInjector BankFaults { get; }
    public FaultInjector FxFaults { get; }
    public TimeProvider Clock { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public string AlipayGatewayUrl => BaseUrl + AlipayEndpoints.GatewayPath;

    /// <summary>The base URL a WeChat Pay adapter uses in place of <c>https://api.mch.weixin.qq.com</c>.</summary>
    public string WeChatPayBaseUrl => BaseUrl + WeChatPayEndpoints.BasePath;

    /// <summary>The card acquirer's API base URL.</summary>
    public string CardBaseUrl => BaseUrl + CardEndpoints.BasePath;

    /// <summary>The UnionPay gateway host (in place of <c>https://gateway.95516.com</c>).</summary>
    public string UnionPayBaseUrl => BaseUrl + UnionPayEndpoints.BasePath;

    /// <summary>The bank's SWIFT interface base URL.</summary>
    public string SwiftBaseUrl => BaseUrl + SwiftEndpoints.BasePath;

    /// <summary>The bank's corporate API base URL.</summary>
    public string BankBaseUrl => BaseUrl + BankEndpoints.BasePath;

    /// <summary>The rates source's table URL.</summary>
    public string FxRatesUrl => BaseUrl + FxRatesSimulator.Path;

    /// <summary>Starts the simulators on <paramref name="url"/> (port 0 picks a free one).</summary>
    public static async Task<SimulatorHost> StartAsync(string url = "http://127.0.0.1:0", TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null)
    {
        clock ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        // The simulators are their own network: never the settings (Kestrel endpoints...) of a host process.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = url });
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.Services.AddSingleton(clock);
        var app = builder.Build();
        var host = new SimulatorHost(app, clock);
        await app.StartAsync();
        host.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        host._notifierLoop = host.RunNotifiersAsync(host._stop.Token);
        return host;
    }

    private async Task RunNotifiersAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await Alipay.Notifier.DeliverDueAsync(stop);
                await WeChatPay.Notifier.DeliverDueAsync(stop);
                await Card.Notifier.DeliverDueAsync(stop);
                await UnionPay.Notifier.DeliverDueAsync(stop);
                await Bank.Notifier.DeliverDueAsync(stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_notifierLoop is not null)
        {
            await _notifierLoop;
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
        Alipay.Dispose();
        WeChatPay.Dispose();
        Card.Dispose();
        UnionPay.Dispose();
        Bank.Dispose();
        _stop.Dispose();
    }
}
