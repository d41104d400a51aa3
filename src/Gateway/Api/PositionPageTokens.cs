using System.Globalization;
using System.Text;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Api;

/// <summary>
/// Page tokens of lists ordered by a positive number, newest first (rule set versions, evidence chain heads): an opaque,
/// URL-safe token naming the list and the number the next page starts below. A token of another list, or not one at all,
/// is INVALID_ARGUMENT <c>page_token</c>.
/// </summary>
public static class PositionPageTokens
{
    public static string Encode(string list, long position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{list}|{position}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position the previous page ended at, or null for the first page (an empty token).</summary>
    public static long? Decode(string list, string token)
    {
        if (token.Length == 0)
        {
            return null;
        }
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            if (parts.Length == 2 && parts[0] == list && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0)
            {
                return position;
            }
        }
        catch (FormatException)
        {
        }
        throw PaymentException.InvalidField("page_token", "is not a token this service issued");
    }
}
