using System.Net;
using System.Security.Cryptography;
using System.Text;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Tests.Alipay;

public sealed class AlipayNotificationTests : IDisposable
{
    private readonly AlipayTestChannel _alipay = new("http://127.0.0.1:9/gateway.do");

    private Dictionary<string, string> Fields(string status = "TRADE_SUCCESS") => new()
    {
        ["notify_time"] = "2026-11-26 14:05:00",
        ["notify_type"] = "trade_status_sync",
        ["notify_id"] = "ac05099524730693a8b330c5ecf72da9786",
        ["app_id"] = AlipayTestChannel.AppId,
        ["charset"] = "utf-8",
        ["version"] = "1.0",
        ["sign_type"] = "RSA2",
        ["trade_no"] = "2026112622001404011234567890",
        ["out_trade_no"] = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01",
        ["trade_status"] = status,
        ["total_amount"] = "88.88",
        ["receipt_amount"] = "88.88",
        ["subject"] = "云服务器 1个月",
        ["gmt_payment"] = "2026-11-26 14:04:59",
    };

    private string Signed(Dictionary<string, string> fields, RSA key)
    {
        // Alipay signs notifications without sign and sign_type.
        var content = string.Join('&', fields.Where(p => p.Key is not ("sign" or "sign_type")).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        fields["sign"] = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return string.Join('&', fields.Select(p => $"{WebUtility.UrlEncode(p.Key)}={WebUtility.UrlEncode(p.Value)}"));
    }

    [Fact]
    public void ParseNotification_SignedSuccess_ReportsThePayment()
    {
        var notification = _alipay.Channel.ParseNotification(new Dictionary<string, string>(), Signed(Fields(), _alipay.AlipayKey));

        Assert.Equal("01JDZ6Q4W5T8M2N3P4R5S6T7V8A01", notification.Reference);
        Assert.Equal("ac05099524730693a8b330c5ecf72da9786", notification.NotificationId);
        Assert.Equal(ChannelOutcome.Succeeded, notification.Result.Outcome);
        Assert.Equal(8888, notification.Result.ReportedAmountMinor);
        Assert.Equal("2026112622001404011234567890", notification.Result.ChannelTransactionId);
    }

    [Fact]
    public void ParseNotification_SignedByAnotherKey_IsRejected()
    {
        using var forger = RSA.Create(2048);
        Assert.Throws<NotificationRejectedException>(() => _alipay.Channel.ParseNotification(new Dictionary<string, string>(), Signed(Fields(), forger)));
    }

    [Fact]
    public void ParseNotification_TamperedAmount_IsRejected()
    {
        var body = Signed(Fields(), _alipay.AlipayKey).Replace("total_amount=88.88", "total_amount=0.01", StringComparison.Ordinal);
        Assert.Throws<NotificationRejectedException>(() => _alipay.Channel.ParseNotification(new Dictionary<string, string>(), body));
    }

    [Fact]
    public void ParseNotification_OtherMerchantsApp_IsRejected()
    {
        var fields = Fields();
        fields["app_id"] = "2021999999999999";
        Assert.Throws<NotificationRejectedException>(() => _alipay.Channel.ParseNotification(new Dictionary<string, string>(), Signed(fields, _alipay.AlipayKey)));
    }

    [Fact]
    public void NotificationReply_Accepted_IsPlainTextSuccess()
    {
        var reply = _alipay.Channel.NotificationReply(accepted: true);
        Assert.Equal((200, "success"), (reply.StatusCode, reply.Body));
        Assert.NotEqual("success", _alipay.Channel.NotificationReply(accepted: false).Body);
    }

    /// <summary>
    /// The splice attack: a genuine notification for order A whose subject carries "&amp;out_trade_no=B&amp;total_amount=..."
    /// re-cut into other form fields that sign the same text. Every re-cut names a field twice or has a value that does
    /// not split back out of the signed text, and is refused.
    /// </summary>
    [Fact]
    public void ParseNotification_SignedTextReCutIntoOtherFields_IsRejected()
    {
        var fields = Fields();
        fields["total_amount"] = fields["receipt_amount"] = "1.00";
        fields["subject"] = "x&out_trade_no=VICTIM0000000000000000000001&total_amount=999999.00";
        var genuine = Signed(fields, _alipay.AlipayKey);
        var sign = genuine[(genuine.IndexOf("&sign=", StringComparison.Ordinal) + 6)..];

        // The signed text: ...&out_trade_no=A&receipt_amount=1.00&subject=x&out_trade_no=VICTIM...&total_amount=999999.00&total_amount=1.00&...
        // Re-cut 1: the victim's order in out_trade_no, A's part folded into notify_type, the trailing amount into total_amount.
        var recut = new Dictionary<string, string>(fields)
        {
            ["notify_type"] = "trade_status_sync&out_trade_no=01JDZ6Q4W5T8M2N3P4R5S6T7V8A01&receipt_amount=1.00&subject=x",
            ["out_trade_no"] = "VICTIM0000000000000000000001",
            ["total_amount"] = "999999.00&total_amount=1.00",
        };
        recut.Remove("receipt_amount");
        recut.Remove("subject");
        Assert.Equal(Content(fields), Content(recut)); // the same signed text, so the signature alone would pass
        Assert.Throws<NotificationRejectedException>(() => _alipay.Channel.ParseNotification(new Dictionary<string, string>(), Form(recut, sign)));

        // Re-cut 2: a field named twice (which of the two did the signature cover?).
        var twice = Form(fields, sign) + "&out_trade_no=VICTIM0000000000000000000001";
        Assert.Throws<NotificationRejectedException>(() => _alipay.Channel.ParseNotification(new Dictionary<string, string>(), twice));

        // Even the genuine form is refused: its subject does not split back out of the signed text.
        Assert.Throws<NotificationRejectedException>(() => _alipay.Channel.ParseNotification(new Dictionary<string, string>(), genuine));
    }

    /// <summary>
    /// Any one character of a genuine notification changed: refused as a forgery or (a change the signature cannot see, such as
    /// unused bits of a Base64 tail or the unsigned sign_type) read as before; never another exception, which would be a 500.
    /// </summary>
    [Fact]
    public void ParseNotification_AnyCharacterChanged_NeverThrowsAnythingButARejection()
    {
        var body = Signed(Fields(), _alipay.AlipayKey);
        var unexpected = new List<string>();
        for (var i = 0; i < body.Length; i++)
        {
            var chars = body.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            try
            {
                _alipay.Channel.ParseNotification(new Dictionary<string, string>(), new string(chars));
            }
            catch (NotificationRejectedException)
            {
            }
            catch (Exception ex)
            {
                unexpected.Add($"#{i}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        Assert.Empty(unexpected.Take(5));
    }

    private static string Content(Dictionary<string, string> fields) =>
        string.Join('&', fields.Where(p => p.Key is not ("sign" or "sign_type")).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static string Form(Dictionary<string, string> fields, string encodedSign) =>
        string.Join('&', fields.Where(p => p.Key != "sign").Select(p => $"{WebUtility.UrlEncode(p.Key)}={WebUtility.UrlEncode(p.Value)}")) + "&sign=" + encodedSign;

    public void Dispose() => _alipay.Dispose();
}
