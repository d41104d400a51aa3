using Paygate.Adapters.Money;
using Paygate.Gateway.Checkout;

namespace Paygate.Gateway.Tests.Checkout;

public sealed class CheckoutTextTests
{
    [Fact]
    public void Tables_HaveTheSameKeys()
    {
        Assert.Equal(CheckoutText.Keys(CheckoutText.English).Order(StringComparer.Ordinal), CheckoutText.Keys(CheckoutText.Chinese).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "zh-CN,zh;q=0.9,en;q=0.8", "zh")]
    [InlineData(null, "en-GB,en;q=0.9,zh;q=0.8", "en")]
    [InlineData(null, "fr-FR,zh-TW;q=0.5", "zh")]
    [InlineData(null, "en;q=0.2,zh;q=0.9", "zh")]
    [InlineData(null, "", "en")]
    [InlineData("en", "zh-CN", "en")]
    [InlineData("zh", "en-US", "zh")]
    [InlineData("xx", "zh-CN", "zh")]
    public void Choose_QueryFirst_ThenAcceptLanguageByQuality(string? requested, string acceptLanguage, string expected)
    {
        Assert.Equal(expected, CheckoutText.Choose(requested, acceptLanguage).Code);
    }

    [Fact]
    public void Amount_UsesTheCurrencysRealMinorUnits()
    {
        Assert.Equal("CNY 8,888.08", CheckoutPage.Amount(new Money(888808, Currency.CNY)));
        Assert.Equal("JPY 1,200", CheckoutPage.Amount(new Money(1200, Currency.JPY)));
        Assert.Equal("USD 0.05", CheckoutPage.Amount(new Money(5, Currency.USD)));
    }

    [Theory]
    [InlineData("#1: rule 'checkout'", "the merchant's rule 'checkout' prefers it", "商户规则“checkout”优先使用")]
    [InlineData("#2: backup by default order and health (success 100 %, 12 ms)", "reliable right now (success 100 %, 12 ms)", "当前运行稳定（成功率 100 %，12 毫秒）")]
    [InlineData("#1: the payer's chosen channel", "you chose it", "您选择的方式")]
    public void Reason_SaysRoutingsReasonInThePayersWords(string routing, string english, string chinese)
    {
        Assert.Equal(english, CheckoutText.English.Reason(routing));
        Assert.Equal(chinese, CheckoutText.Chinese.Reason(routing));
    }
}
