using System.Globalization;
using System.Text;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Api;

/// <summary>
/// Opaque page tokens: the position after the last payment of a page, bound to the merchant and the filter that produced
/// it (a token of one merchant's listing is refused to any other merchant).
/// </summary>
public static class PageTokens
{
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static string Encode(PageCursor cursor, string merchantId, PaymentState? filter) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"v2|{cursor.CreateTime.ToUnixTimeMilliseconds()}|{cursor.Id}|{FilterPart(filter)}|{merchantId}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FilterPart(PaymentState? filter) => filter is { } f ? ((int)f).ToString(CultureInfo.InvariantCulture) : "";

    public static PageCursor? Decode(string token, string merchantId, PaymentState? filter)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            // Only times a payment can have: a token with any other is forged, not a server error.
            if (parts.Length == 5 && parts[0] == "v2" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && ms <= MaxUnixMilliseconds && PaymentIds.LooksLikePaymentId(parts[2]))
            {
                if (parts[4] != merchantId)
                {
                    // Said the same way as any token this service did not issue: nothing about whose it was.
                    throw PaymentException.InvalidField("page_token", "is not a token this service issued");
                }
                if (parts[3] != FilterPart(filter))
                {
                    throw PaymentException.InvalidField("page_token", "was issued for a different state filter");
                }
                return new PageCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), parts[2]);
            }
        }
        catch (FormatException)
        {
        }
        throw PaymentException.InvalidField("page_token", "is not a token this service issued");
    }
}
