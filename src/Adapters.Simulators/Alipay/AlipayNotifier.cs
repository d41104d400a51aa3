using System.Globalization;
using System.Security.Cryptography;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.Alipay;

/// <summary>
/// Alipay's <c>trade_status_sync</c> notifications: a signed form POST, resent (8 sends over about 25 hours)
/// until the merchant answers with the plain text <c>success</c>.
/// </summary>
internal static class AlipayNotifier
{
    /// <summary>Delay before each send: the first at once, then 4m, 10m, 10m, 1h, 2h, 6h, 15h.</summary>
    public static readonly IReadOnlyList<TimeSpan> Schedule =
    [
        TimeSpan.Zero, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(15),
    ];

    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static NotificationOutbox Create(RSA platformKey, TimeProvider clock) =>
        new(Schedule, item => Build(item, platformKey, clock), (_, reply) => reply == "success", clock);

    public static OutgoingNotification For(AlipayOrder order, string? tradeStatus) =>
        new(order.OutTradeNo, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(), order.NotifyUrl!, tradeStatus ?? order.TradeStatus, order);

    private static HttpRequestMessage Build(OutgoingNotification item, RSA platformKey, TimeProvider clock)
    {
        var order = (AlipayOrder)item.Order;
        var now = clock.GetUtcNow().ToOffset(BeijingOffset);
        var fields = new Dictionary<string, string>
        {
            ["notify_time"] = now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = item.NotificationId,
            ["app_id"] = order.AppId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["sign_type"] = "RSA2",
            ["trade_no"] = order.TradeNo,
            ["out_trade_no"] = order.OutTradeNo,
            ["trade_status"] = item.Status,
            ["total_amount"] = AlipayMoney.ToYuan(order.TotalFen),
            ["receipt_amount"] = AlipayMoney.ToYuan(order.TotalFen),
            ["subject"] = order.Subject,
            ["gmt_payment"] = (order.PaidAt ?? now).ToOffset(BeijingOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
        fields["sign"] = AlipaySimSignature.Sign(AlipaySimSignature.Content(fields, "sign", "sign_type"), platformKey);
        return new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new FormUrlEncodedContent(fields) };
    }
}
