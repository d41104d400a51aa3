namespace Paygate.Gateway.Payments;

/// <summary>
/// The years a payment can have been made in: the one rule every API day or period is checked against. It also keeps a
/// day, the days and months around it and its instant in any time zone representable (0001-01-01 at +08:00 is not).
/// </summary>
public static class PaymentYears
{
    /// <summary>What a refusal says of a day outside them.</summary>
    public const string Reason = "must be in the years 2000 to 2999";

    public static bool Contains(DateOnly day) => day.Year is >= 2000 and <= 2999;
}
