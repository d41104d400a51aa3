using Paygate.Simulators.Faults;
using Paygate.Simulators.Hosting;

namespace Paygate.EndToEnd.Tests;

/// <summary>What a test does on each simulated network, by channel id: play the buyer, inject faults, read the books.</summary>
internal static class SimulatedNetworks
{
    public static FaultInjector Faults(this SimulatorHost host, string channel) => channel switch
    {
        "alipay" => host.AlipayFaults,
        "wechatpay" => host.WeChatPayFaults,
        "card" => host.CardFaults,
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>The buyer scans the QR code and pays; null on success.</summary>
    public static string? BuyerPays(this SimulatorHost host, string channel, string qrCode) => channel switch
    {
        "alipay" => host.Alipay.BuyerPays(qrCode),
        "wechatpay" => host.WeChatPay.BuyerPays(qrCode),
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>How many orders the network holds under this order number (a double create would make two).</summary>
    public static int OrderCount(this SimulatorHost host, string channel, string reference) => channel switch
    {
        "alipay" => host.Alipay.Orders.Count(o => o.OutTradeNo == reference),
        "wechatpay" => host.WeChatPay.Orders.Count(o => o.OutTradeNo == reference),
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>The amounts the network charged under this order number.</summary>
    public static IReadOnlyList<long> Charges(this SimulatorHost host, string channel, string reference) => channel switch
    {
        "alipay" => host.Alipay.Ledger.Where(e => e.OutTradeNo == reference && e.Kind == "charge").Select(e => e.AmountFen).ToList(),
        "wechatpay" => host.WeChatPay.Ledger.Where(e => e.OutTradeNo == reference && e.Kind == "charge").Select(e => e.AmountFen).ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>
    /// Whether the gateway acknowledged a notification about this order, as the network requires. The network records the
    /// reply when it arrives, a moment after the gateway applied the notification: this waits up to 10 s for it.
    /// </summary>
    public static bool NotificationAcknowledged(this SimulatorHost host, string channel, string reference)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Acknowledged(host, channel, reference) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        return Acknowledged(host, channel, reference);
    }

    private static bool Acknowledged(SimulatorHost host, string channel, string reference) => channel switch
    {
        "alipay" => host.Alipay.Notifier.Deliveries.Any(d => d.OutTradeNo == reference && d.Acknowledged),
        "wechatpay" => host.WeChatPay.Notifier.Deliveries.Any(d => d.OutTradeNo == reference && d.Acknowledged),
        "unionpay" => host.UnionPay.Notifier.Deliveries.Any(d => d.OutTradeNo == reference && d.Acknowledged),
        "banktransfer" => host.Bank.Notifier.Deliveries.Any(d => d.OutTradeNo == reference && d.Acknowledged),
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>A native business error, in the network's own form, that means the payer's balance is insufficient.</summary>
    public static string InsufficientBalance(string channel) => channel switch
    {
        "alipay" => "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH",
        "wechatpay" => "403/NOT_ENOUGH",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>The network's name for the create call, for faults aimed at it.</summary>
    public static string CreateMethod(string channel) => channel switch
    {
        "alipay" => "alipay.trade.precreate",
        "wechatpay" => "native",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static string QueryMethod(string channel) => channel switch
    {
        "alipay" => "alipay.trade.query",
        "wechatpay" => "query",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };
}
