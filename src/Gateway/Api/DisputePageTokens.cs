using System.Globalization;
using System.Text;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Api;

/// <summary>
/// Opaque page tokens of dispute listings: the position after the last dispute of a page, bound to the caller's scope (a merchant,
/// or operators) and the filters that produced it, so that a token is refused to another merchant or with other filters.
/// </summary>
public static class DisputePageTokens
{
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static string Encode(DisputeCursor cursor, DisputeFilter filter) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"d1|{cursor.CreateTime.ToUnixTimeMilliseconds()}|{cursor.Id}|{FilterPart(filter)}|{filter.MerchantId ?? "*"}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static DisputeCursor? Decode(string token, DisputeFilter filter)
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
            if (parts.Length == 5 && parts[0] == "d1" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && ms <= MaxUnixMilliseconds && DisputeIds.LooksLikeDisputeId(parts[2]))
            {
                if (parts[4] != (filter.MerchantId ?? "*"))
                {
                    throw PaymentException.InvalidField("page_token", "is not a token this service issued");
                }
                if (parts[3] != FilterPart(filter))
                {
                    throw PaymentException.InvalidField("page_token", "was issued for different filters");
                }
                return new DisputeCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), parts[2]);
            }
        }
        catch (FormatException)
        {
        }
        throw PaymentException.InvalidField("page_token", "is not a token this service issued");
    }

    private static string FilterPart(DisputeFilter filter) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int?)filter.State}.{filter.PaymentId}.{(int?)filter.Level}");
}
