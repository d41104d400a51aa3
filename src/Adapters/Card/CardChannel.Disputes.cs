using System.Globalization;
using System.Text.Json;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;

namespace Paygate.Adapters.Card;

/// <summary>
/// The acquirer's dispute webhooks (<c>dispute.inquiry</c>, <c>dispute.chargeback</c>, <c>dispute.pre_arbitration</c>): sent to the
/// same notification URL as its payment webhooks and signed the same way (HMAC-SHA256 in <c>Acquirer-Signature</c>), so they are
/// verified the same way before a word of them is believed.
/// </summary>
public sealed partial class CardChannel : IDisputeNotificationChannel
{
    private const string DisputeTypePrefix = "dispute.";

    public bool IsDisputeNotice(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return Str(doc.RootElement, "type") is { } type && type.StartsWith(DisputeTypePrefix, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public ChannelDisputeNotice ParseDisputeNotice(IReadOnlyDictionary<string, string> headers, string body)
    {
        var refusal = HmacSignature.Refusal(CardHeader, headers, body, _options.SigningSecret, clock.GetUtcNow(), _options.MaxClockSkewSeconds);
        if (refusal is not null)
        {
            throw new NotificationRejectedException(refusal);
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var id = Str(root, "id") ?? throw new NotificationRejectedException("event id missing");
            var stage = Str(root, "type") switch
            {
                "dispute.inquiry" => ChannelDisputeStage.Inquiry,
                "dispute.chargeback" => ChannelDisputeStage.Chargeback,
                "dispute.pre_arbitration" => ChannelDisputeStage.PreArbitration,
                var other => throw new NotificationRejectedException($"unknown dispute event type {other}"),
            };
            var data = root.GetProperty("data");
            if (Str(data, "merchant_account") != _options.MerchantAccount)
            {
                throw new NotificationRejectedException("merchant_account is not this merchant's");
            }
            var amount = data.GetProperty("amount");
            var value = amount.GetProperty("value").GetInt64();
            if (value < 1)
            {
                throw new NotificationRejectedException("amount must be positive");
            }
            DateTimeOffset? respondBy = Str(data, "respond_by") is { } text
                ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null;
            return new ChannelDisputeNotice(id, Str(data, "id") ?? throw new NotificationRejectedException("dispute id missing"), stage,
                Str(data, "payment_reference") ?? throw new NotificationRejectedException("payment_reference missing"), value,
                Str(amount, "currency") ?? throw new NotificationRejectedException("currency missing"), Str(data, "reason_code") ?? "", Str(data, "reason") ?? "", respondBy);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new NotificationRejectedException($"malformed dispute webhook ({ex.GetType().Name})");
        }
    }
}
