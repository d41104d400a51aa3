namespace Paygate.Simulators.Card;

/// <summary>
/// How the simulated issuer answers, by test card number. Any other Luhn-valid number is approved; an invalid
/// one gets <c>14</c>; an expiry in the past gets <c>54</c>.
/// </summary>
public static class CardTestCards
{
    /// <summary>Card number to ISO 8583 response code and added issuer latency.</summary>
    public static IReadOnlyDictionary<string, (string ResponseCode, int DelayMs, string Note)> Table { get; } = new Dictionary<string, (string, int, string)>
    {
        ["4242424242424242"] = ("00", 0, "Visa, approved"),
        ["5555555555554444"] = ("00", 0, "Mastercard, approved"),
        ["4000000000000002"] = ("05", 0, "do not honor"),
        ["4000000000009995"] = ("51", 0, "insufficient funds"),
        ["4000000000000069"] = ("54", 0, "expired card"),
        ["4000000000000127"] = ("61", 0, "exceeds amount limit"),
        ["4000000000000259"] = ("59", 0, "suspected fraud"),
        ["4000000000000416"] = ("41", 0, "lost card"),
        ["4000000000000432"] = ("43", 0, "stolen card"),
        ["4000000000000101"] = ("91", 0, "issuer or switch inoperative"),
        ["4000000000000119"] = ("96", 0, "system malfunction"),
        ["4000000000003063"] = ("00", 3000, "approved after a 3-second issuer delay"),
    };

    public static bool LuhnValid(string number)
    {
        if (number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var d = number[^(i + 1)] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }
}
