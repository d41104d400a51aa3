using Paygate.Adapters.Money;

namespace Paygate.Adapters.Tests.Money;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("CNY", 156, 2)]
    [InlineData("USD", 840, 2)]
    [InlineData("EUR", 978, 2)]
    [InlineData("HKD", 344, 2)]
    [InlineData("JPY", 392, 0)]
    [InlineData("GBP", 826, 2)]
    [InlineData("SGD", 702, 2)]
    public void TryFind_SupportedCurrency_HasIsoNumericCodeAndMinorUnits(string code, int numeric, int minorUnits)
    {
        Assert.True(Currency.TryFind(code, out var currency));
        Assert.Equal(numeric, currency.NumericCode);
        Assert.Equal(minorUnits, currency.MinorUnits);
    }

    [Theory]
    [InlineData("XXX")]
    [InlineData("cny")]
    [InlineData("")]
    [InlineData(null)]
    public void TryFind_UnknownOrMiscasedCode_IsRefused(string? code) => Assert.False(Currency.TryFind(code, out _));

    [Theory]
    [InlineData(1234, "CNY", "12.34")]
    [InlineData(5, "CNY", "0.05")]
    [InlineData(100, "USD", "1.00")]
    [InlineData(500, "JPY", "500")]
    [InlineData(long.MaxValue, "CNY", "92233720368547758.07")]
    public void ToMajorUnitString_UsesExactlyTheCurrencysDecimals(long minor, string code, string expected)
    {
        Currency.TryFind(code, out var currency);
        Assert.Equal(expected, new Adapters.Money.Money(minor, currency).ToMajorUnitString());
    }

    [Theory]
    [InlineData("12.34", "CNY", 1234)]
    [InlineData("12.3", "CNY", 1230)]
    [InlineData("12", "CNY", 1200)]
    [InlineData("0.01", "USD", 1)]
    [InlineData("500", "JPY", 500)]
    public void TryParseMajorUnits_ValidAmount_GivesExactMinorUnits(string text, string code, long expected)
    {
        Currency.TryFind(code, out var currency);
        Assert.True(Adapters.Money.Money.TryParseMajorUnits(text, currency, out var money));
        Assert.Equal(expected, money.AmountMinor);
    }

    [Theory]
    [InlineData("1.5", "JPY")]        // JPY has no minor unit: a fractional yen is refused
    [InlineData("12.345", "CNY")]     // more decimals than the currency has
    [InlineData("-1.00", "CNY")]
    [InlineData("1e3", "CNY")]
    [InlineData("1.", "CNY")]
    [InlineData(".5", "CNY")]
    [InlineData("1,00", "CNY")]
    [InlineData("", "CNY")]
    [InlineData("99999999999999999999", "CNY")] // beyond int64 minor units
    public void TryParseMajorUnits_InvalidAmount_IsRefused(string text, string code)
    {
        Currency.TryFind(code, out var currency);
        Assert.False(Adapters.Money.Money.TryParseMajorUnits(text, currency, out _));
    }
}
