namespace Paygate.Simulators.Card;

/// <summary>What the simulated issuer asks of the payer before it answers.</summary>
public enum CardChallenge
{
    /// <summary>No strong customer authentication: the issuer answers at once.</summary>
    None,
    /// <summary>Soft decline <c>1A</c>: the payer must pass a 3-D Secure challenge, and passes it.</summary>
    Passes,
    /// <summary>Soft decline <c>1A</c>: the payer must pass a 3-D Secure challenge, and fails it.</summary>
    Fails,
}

/// <summary>How the simulated issuer treats one test card.</summary>
/// <param name="ResponseCode">The issuer's ISO 8583 answer (after any challenge).</param>
/// <param name="DelayMs">Added issuer latency.</param>
/// <param name="Note">What the card is for (also the answer's <c>decline_code</c> text).</param>
/// <param name="AnsweredCode">When set, the code the acquirer's answer carries instead of <paramref name="ResponseCode"/> (the issuer's own decision stands).</param>
/// <param name="Challenge">Whether a 3-D Secure challenge comes first, and how it ends.</param>
public sealed record CardTestCard(string ResponseCode, int DelayMs, string Note, string? AnsweredCode = null, CardChallenge Challenge = CardChallenge.None);

/// <summary>
/// How the simulated issuer answers, by test card number. Any other Luhn-valid number is approved; an invalid
/// one gets <c>14</c>; an expiry in the past gets <c>54</c>.
/// </summary>
public static class CardTestCards
{
    /// <summary>Card number to the issuer's behaviour.</summary>
    public static IReadOnlyDictionary<string, CardTestCard> Table { get; } = new Dictionary<string, CardTestCard>
    {
        ["4242424242424242"] = new("00", 0, "Visa, approved"),
        ["5555555555554444"] = new("00", 0, "Mastercard, approved"),
        ["4000000000000002"] = new("05", 0, "do not honor"),
        ["4000000000009995"] = new("51", 0, "insufficient funds"),
        ["4000000000000069"] = new("54", 0, "expired card"),
        ["4000000000000127"] = new("61", 0, "exceeds amount limit"),
        ["4000000000000259"] = new("59", 0, "suspected fraud"),
        ["4000000000000416"] = new("41", 0, "lost card"),
        ["4000000000000432"] = new("43", 0, "stolen card"),
        ["4000000000000101"] = new("91", 0, "issuer or switch inoperative"),
        ["4000000000000119"] = new("96", 0, "system malfunction"),
        ["4000000000003063"] = new("00", 3000, "approved after a 3-second issuer delay"),
        // Charged, but the answer says the request was a duplicate transmission: only a query tells the truth.
        ["4000000000000945"] = new("00", 0, "approved, answered as a duplicate transmission", AnsweredCode: "94"),
        ["4000000000003188"] = new("00", 0, "3-D Secure challenge required; the payer passes it", Challenge: CardChallenge.Passes),
        ["4000000000003196"] = new("00", 0, "3-D Secure challenge required; the payer fails it", Challenge: CardChallenge.Fails),
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
