using System.Security.Cryptography;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Tests.WeChatPay;

public sealed class WeChatPayNotificationTests : IDisposable
{
    private const string Transaction = "{\"mchid\":\"1900000109\",\"appid\":\"wxd678efh567hg6787\",\"out_trade_no\":\"01JDZ6Q4W5T8M2N3P4R5S6T7V8A01\",\"transaction_id\":\"4200000985202611261234567890\",\"trade_type\":\"NATIVE\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"支付成功\",\"amount\":{\"total\":8888,\"payer_total\":8888,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
    private readonly WeChatPayTestChannel _wechat = new("http://127.0.0.1:9");

    private static string Envelope(string transaction, string key = WeChatPayTestChannel.ApiV3Key) =>
        $"{{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2026-11-26T14:05:02+08:00\",\"resource_type\":\"encrypt-resource\",\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\",\"resource\":{{\"original_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"{WeChatPayTestChannel.Encrypt(transaction, "fdasflkja484", "transaction", key)}\",\"associated_data\":\"transaction\",\"nonce\":\"fdasflkja484\"}}}}";

    [Fact]
    public void ParseNotification_SignedAndEncrypted_ReportsThePayment()
    {
        var body = Envelope(Transaction);

        var notification = _wechat.Channel.ParseNotification(_wechat.SignedHeaders(body), body);

        Assert.Equal("01JDZ6Q4W5T8M2N3P4R5S6T7V8A01", notification.Reference);
        Assert.Equal("EV-2018022511223320873", notification.NotificationId);
        Assert.Equal(ChannelOutcome.Succeeded, notification.Result.Outcome);
        Assert.Equal(8888, notification.Result.ReportedAmountMinor);
    }

    [Fact]
    public void ParseNotification_ForgedSignature_IsRejected()
    {
        var body = Envelope(Transaction);
        using var forger = RSA.Create(2048);
        Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(_wechat.SignedHeaders(body, key: forger), body));
    }

    [Fact]
    public void ParseNotification_Replayed_IsRejectedAsStale()
    {
        var body = Envelope(Transaction);
        var headers = _wechat.SignedHeaders(body, at: _wechat.Clock.GetUtcNow().AddHours(-1));
        var error = Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(headers, body));
        Assert.Contains("timestamp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseNotification_EncryptedWithAnotherKey_IsRejected()
    {
        var body = Envelope(Transaction, key: "00000000000000000000000000000000");
        Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(_wechat.SignedHeaders(body), body));
    }

    [Fact]
    public void ParseNotification_OtherMerchant_IsRejected()
    {
        var body = Envelope(Transaction.Replace("1900000109", "1900000999", StringComparison.Ordinal));
        Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(_wechat.SignedHeaders(body), body));
    }

    // The decrypted resource of a refund notification: no appid, the paid order, the refund and its refund_status.
    private const string RefundResource = "{\"mchid\":\"1900000109\",\"out_trade_no\":\"01JDZ6Q4W5T8M2N3P4R5S6T7V8A01\",\"transaction_id\":\"4200000985202611261234567890\",\"out_refund_no\":\"01JDZ6Q4W5T8M2N3P4R5S6T7V8A01F01\",\"refund_id\":\"50000000382019052709732678859\",\"refund_status\":\"SUCCESS\",\"success_time\":\"2026-11-26T14:05:02+08:00\",\"user_received_account\":\"招商银行信用卡0403\",\"amount\":{\"total\":8888,\"refund\":1000,\"payer_total\":8888,\"payer_refund\":1000}}";

    private static string RefundEnvelope(string status, string resource = RefundResource) =>
        Envelope(resource.Replace("\"refund_status\":\"SUCCESS\"", $"\"refund_status\":\"{status}\"", StringComparison.Ordinal))
            .Replace("TRANSACTION.SUCCESS", "REFUND." + status, StringComparison.Ordinal);

    [Theory]
    [InlineData("SUCCESS", ChannelOutcome.Succeeded)]
    [InlineData("CLOSED", ChannelOutcome.Failed)]
    [InlineData("ABNORMAL", ChannelOutcome.Failed)]
    public void ParseNotification_Refund_ReportsTheRefund(string status, ChannelOutcome outcome)
    {
        var body = RefundEnvelope(status);

        var notification = _wechat.Channel.ParseNotification(_wechat.SignedHeaders(body), body);

        Assert.Equal(("01JDZ6Q4W5T8M2N3P4R5S6T7V8A01", "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01F01", "EV-2018022511223320873"),
            (notification.Reference, notification.RefundReference, notification.NotificationId));
        Assert.Equal((outcome, status), (notification.Result.Outcome, notification.Result.NativeCode));
    }

    [Fact]
    public void ParseNotification_Refund_ForgedOrOtherMerchantsOrWithoutItsRefund_IsRejected()
    {
        var body = RefundEnvelope("SUCCESS");
        using var forger = RSA.Create(2048);
        Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(_wechat.SignedHeaders(body, key: forger), body));

        var other = RefundEnvelope("SUCCESS", RefundResource.Replace("1900000109", "1900000999", StringComparison.Ordinal));
        Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(_wechat.SignedHeaders(other), other));

        var noRefund = RefundEnvelope("SUCCESS", RefundResource.Replace("out_refund_no", "out_refund", StringComparison.Ordinal));
        Assert.Throws<NotificationRejectedException>(() => _wechat.Channel.ParseNotification(_wechat.SignedHeaders(noRefund), noRefund));
    }

    [Fact]
    public void NotificationReply_AcknowledgesWithNoContentAndFailsWithFailJson()
    {
        Assert.Equal(204, _wechat.Channel.NotificationReply(accepted: true).StatusCode);
        var failure = _wechat.Channel.NotificationReply(accepted: false);
        Assert.True(failure.StatusCode >= 400);
        Assert.Contains("\"code\":\"FAIL\"", failure.Body, StringComparison.Ordinal);
    }

    public void Dispose() => _wechat.Dispose();
}
