namespace Paygate.Adapters.Money;

/// <summary>An ISO 4217 currency the gateway accepts, with its real number of minor units.</summary>
public sealed record Currency(string Code, int NumericCode, int MinorUnits)
{
    public static readonly Currency CNY = new("CNY", 156, 2);
    public static readonly Currency USD = new("USD", 840, 2);
    public static readonly Currency EUR = new("EUR", 978, 2);
    public static readonly Currency HKD = new("HKD", 344, 2);
    public static readonly Currency JPY = new("JPY", 392, 0);
    public static readonly Currency GBP = new("GBP", 826, 2);
    public static readonly Currency SGD = new("SGD", 702, 2);

    private static readonly Dictionary<string, Currency> ByCode =
        new[] { CNY, USD, EUR, HKD, JPY, GBP, SGD }.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<Currency> All => ByCode.Values;

    /// <summary>Finds a supported currency by its upper-case alphabetic code.</summary>
    public static bool TryFind(string? code, out Currency currency)
    {
        if (code is not null && ByCode.TryGetValue(code, out var found))
        {
            currency = found;
            return true;
        }
        currency = null!;
        return false;
    }

    /// <summary>10 to the power of the minor units: how many minor units make one major unit.</summary>
    public long MinorPerMajor => MinorUnits switch { 0 => 1, 2 => 100, 3 => 1000, _ => throw new InvalidOperationException() };

    public override string ToString() => Code;
}
