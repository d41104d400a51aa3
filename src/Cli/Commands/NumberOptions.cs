using System.CommandLine;
using System.Globalization;

namespace Paygate.Cli.Commands;

/// <summary>
/// Options holding whole numbers, parsed here so that a bad value ("abc", "12.50", "-5") is a one-line parse error naming the
/// option and what it wants, like every other bad argument.
/// </summary>
public static class NumberOptions
{
    /// <summary>An amount in minor units: a positive whole number.</summary>
    public static Option<long> MinorUnits(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = result => Parse(result, name, 1, long.MaxValue, "a positive whole number of minor units, e.g. 12000 for 120.00 USD"),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Whole(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => (int)Parse(result, name, min, max, $"a whole number from {min} to {max}"),
    };

    private static long Parse(System.CommandLine.Parsing.ArgumentResult result, string name, long min, long max, string wanted)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        result.AddError($"{name} must be {wanted} (got '{text}')");
        return 0;
    }
}
