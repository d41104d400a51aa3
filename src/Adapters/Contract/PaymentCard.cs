namespace Paygate.Adapters.Contract;

/// <summary>
/// A card to charge: a number (PAN) or an acquirer token, and the expiry. It lives in memory for one call only;
/// <see cref="ToString"/> masks the number so that it cannot reach a log by accident.
/// </summary>
public sealed record PaymentCard(string? Number, int ExpMonth, int ExpYear, string? Cvc, string? Token)
{
    /// <summary>The brand from the number's leading digits, or <c>unknown</c>; empty for a token.</summary>
    public string Brand => Number is null ? "" : CardNumber.Brand(Number);

    /// <summary>The last four digits of the number; empty for a token.</summary>
    public string Last4 => Number is { Length: >= 4 } n ? n[^4..] : "";

    public override string ToString() => Number is null ? "card token" : $"{Brand} card ending {Last4}";
}

/// <summary>Card number rules: the Luhn check and brand detection by leading digits.</summary>
public static class CardNumber
{
    /// <summary>True when the number is 12 to 19 digits and passes the Luhn (mod 10) check.</summary>
    public static bool IsValid(string? number)
    {
        if (number is null || number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var digit = number[number.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }

    public static string Brand(string number)
    {
        static int Prefix(string n, int digits) => n.Length >= digits ? int.Parse(n[..digits], System.Globalization.CultureInfo.InvariantCulture) : -1;
        if (number.StartsWith('4'))
        {
            return "visa";
        }
        var two = Prefix(number, 2);
        var four = Prefix(number, 4);
        return two switch
        {
            >= 51 and <= 55 => "mastercard",
            34 or 37 => "amex",
            62 => "unionpay",
            35 => "jcb",
            _ when four is >= 2221 and <= 2720 => "mastercard",
            _ => "unknown",
        };
    }
}
