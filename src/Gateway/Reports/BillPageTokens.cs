using System.Globalization;
using System.Text;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>
/// Opaque page tokens of a bill: the last payment of a page, bound to the merchant, the group and the period that produced it
/// (a token is refused for any other bill).
/// </summary>
public static class BillPageTokens
{
    private const string Version = "bill-v1";

    public static string Encode(PageCursor cursor, string merchantId, string groupId, ReportPeriod period) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', Version, Ms(cursor.CreateTime), cursor.Id, Scope(merchantId, groupId, period))))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static PageCursor? Decode(string token, string merchantId, string groupId, ReportPeriod period)
    {
        if (token.Length == 0)
        {
            return null;
        }
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|', 4);
            if (parts.Length == 4 && parts[0] == Version && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() && PaymentIds.LooksLikePaymentId(parts[2]))
            {
                if (parts[3] != Scope(merchantId, groupId, period))
                {
                    throw PaymentException.InvalidField("page_token", "was issued for another bill (group or period)");
                }
                return new PageCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), parts[2]);
            }
        }
        catch (FormatException)
        {
        }
        throw PaymentException.InvalidField("page_token", "is not a token this service issued");
    }

    private static string Scope(string merchantId, string groupId, ReportPeriod period) =>
        string.Join('|', merchantId, groupId, Ms(period.Start), Ms(period.End));

    private static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
