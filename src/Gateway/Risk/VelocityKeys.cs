namespace Paygate.Gateway.Risk;

/// <summary>
/// The keys a payment is counted under: its customer and its device (within the merchant: ids are the merchant's own) and its
/// card fingerprint (across merchants: a card is the same card wherever it is used).
/// </summary>
internal static class VelocityKeys
{
    public const string Customer = "customer";
    public const string Device = "device";
    public const string Card = "card";

    public static List<(string Kind, string Key)> Of(string merchantId, string? customerId, string? deviceId, string? cardFingerprint)
    {
        var keys = new List<(string, string)>(3);
        if (!string.IsNullOrEmpty(customerId))
        {
            keys.Add((Customer, $"c|{merchantId}|{customerId}"));
        }
        if (!string.IsNullOrEmpty(deviceId))
        {
            keys.Add((Device, $"d|{merchantId}|{deviceId}"));
        }
        if (!string.IsNullOrEmpty(cardFingerprint))
        {
            keys.Add((Card, $"f|{cardFingerprint}"));
        }
        return keys;
    }
}
