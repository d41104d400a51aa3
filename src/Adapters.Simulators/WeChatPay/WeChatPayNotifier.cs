using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.WeChatPay;

/// <summary>
/// WeChat Pay's payment notifications: the transaction encrypted with the merchant's APIv3 key, the envelope signed
/// with the platform key, resent on WeChat Pay's schedule (15 retries over about 24 hours) until the merchant answers
/// 200 or 204.
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

    private static HttpRequestMessage Build(OutgoingNotification item, WeChatPaySimulator network, TimeProvider clock)
    {
        var order = (WeChatPayOrder)item.Order;
        var merchant = network.Merchant(order.MchId)!;
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var plaintext = network.Transaction(order, item.Status).ToJsonString();
        var now = clock.GetUtcNow();
        var envelope = new JsonObject
        {
            ["id"] = item.NotificationId,
            ["create_time"] = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = item.Status == "SUCCESS" ? "TRANSACTION.SUCCESS" : "TRANSACTION." + item.Status,
            ["summary"] = item.Status == "SUCCESS" ? "支付成功" : item.Status,
            ["resource"] = new JsonObject
            {
                ["original_type"] = "transaction",
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = WeChatPaySimSignature.Encrypt(merchant.ApiV3Key, nonce, "transaction", plaintext),
                ["associated_data"] = "transaction",
                ["nonce"] = nonce,
            },
        }.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(envelope, Encoding.UTF8, "application/json") };
        WeChatPayEndpoints.SignHeaders(request.Headers.TryAddWithoutValidation, envelope, network, now);
        return request;
    }
}
