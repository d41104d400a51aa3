using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.WeChatPay;

/// <summary>
/// WeChat Pay's payment and refund notifications: the transaction (or refund) encrypted with the merchant's APIv3 key,
/// the envelope signed with the platform key, resent on WeChat Pay's schedule (15 retries over about 24 hours) until the
/// merchant answers 200 or 204.
/// </summary>
internal static class WeChatPayNotifier
{
    public static readonly IReadOnlyList<TimeSpan> Schedule =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3),
        TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
    ];

    public static NotificationOutbox Create(WeChatPaySimulator network, TimeProvider clock) =>
        new(Schedule, item => Build(item, network, clock), (status, _) => status is 200 or 204, clock);

    public static OutgoingNotification For(WeChatPayOrder order, string? tradeState) =>
        new(order.OutTradeNo, Guid.NewGuid().ToString(), order.NotifyUrl, tradeState ?? order.TradeState, order);

    public static OutgoingNotification For(WeChatPayRefund refund) =>
        new(refund.OutRefundNo, Guid.NewGuid().ToString(), refund.NotifyUrl, refund.Status, refund);

    private static HttpRequestMessage Build(OutgoingNotification item, WeChatPaySimulator network, TimeProvider clock)
    {
        if (item.Order is WeChatPayRefund refund)
        {
            return Envelope(item, network.Merchant(refund.MchId)!, "refund", "REFUND." + refund.Status, refund.Status == "SUCCESS" ? "退款成功" : refund.Status,
                WeChatPaySimulator.RefundResource(refund).ToJsonString(), network, clock);
        }
        var order = (WeChatPayOrder)item.Order;
        return Envelope(item, network.Merchant(order.MchId)!, "transaction", item.Status == "SUCCESS" ? "TRANSACTION.SUCCESS" : "TRANSACTION." + item.Status,
            item.Status == "SUCCESS" ? "支付成功" : item.Status, network.Transaction(order, item.Status).ToJsonString(), network, clock);
    }

    private static HttpRequestMessage Envelope(OutgoingNotification item, WeChatPayMerchant merchant, string originalType, string eventType, string summary, string plaintext,
        WeChatPaySimulator network, TimeProvider clock)
    {
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var now = clock.GetUtcNow();
        var envelope = new JsonObject
        {
            ["id"] = item.NotificationId,
            ["create_time"] = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = new JsonObject
            {
                ["original_type"] = originalType,
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = WeChatPaySimSignature.Encrypt(merchant.ApiV3Key, nonce, originalType, plaintext),
                ["associated_data"] = originalType,
                ["nonce"] = nonce,
            },
        }.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(envelope, Encoding.UTF8, "application/json") };
        WeChatPayEndpoints.SignHeaders(request.Headers.TryAddWithoutValidation, envelope, network, now);
        return request;
    }
}
