using Paygate.Adapters.Money;
using Paygate.Gateway.Disputes;

namespace Paygate.Gateway.Tests.Disputes;

/// <summary>Level 3: which disputes go to arbitration.</summary>
public sealed class DisputeEscalationTests
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly DisputeOptions Options = new();

    private static Dispute Dispute(long amount, string currency = "CNY", DisputeState state = DisputeState.Open) => new()
    {
        Id = DisputeIds.NewDisputeId(),
        MerchantId = "mch_1",
        PaymentId = "pay_1",
        State = state,
        Level = DisputeLevel.Automatic,
        Source = DisputeSource.Screening,
        AmountMinor = amount,
        Currency = currency,
        Reason = "test",
        DueTime = Opened.AddHours(24),
        CreateTime = Opened,
    };

    /// <summary>7.00 CNY to the dollar (the rate a test table would hold).</summary>
    private static Money? AtSeven(Money amount) => new Money(amount.AmountMinor * 7, Currency.CNY);

    private static Money? NoRates(Money amount) => null;

    [Theory]
    [InlineData(50_000_000, true)]
    [InlineData(49_999_999, false)]
    public void Reason_500000CnyOrMore_Escalates(long amount, bool escalates)
    {
        var reason = DisputeEscalation.Reason(Dispute(amount), Opened, Options, NoRates);

        Assert.Equal(escalates, reason is not null);
        if (escalates)
        {
            Assert.Equal("the disputed amount 500000.00 CNY is at least 500000.00 CNY", reason);
        }
    }

    [Fact]
    public void Reason_AnotherCurrency_IsConvertedAtTheGatewaysRates()
    {
        Assert.Equal("the disputed amount 71428.58 USD (500000.06 CNY at the gateway's rates) is at least 500000.00 CNY",
            DisputeEscalation.Reason(Dispute(7_142_858, "USD"), Opened, Options, AtSeven));
        Assert.Null(DisputeEscalation.Reason(Dispute(7_142_857, "USD"), Opened, Options, AtSeven));
        Assert.Null(DisputeEscalation.Reason(Dispute(7_142_858, "USD"), Opened, Options, NoRates));
    }

    [Fact]
    public void Reason_Open7Days_Escalates_ButNotBefore()
    {
        Assert.Null(DisputeEscalation.Reason(Dispute(100), Opened.AddDays(7).AddSeconds(-1), Options, NoRates));
        Assert.Equal("open 7 days (at least 7 days)", DisputeEscalation.Reason(Dispute(100), Opened.AddDays(7), Options, NoRates));
        Assert.NotNull(DisputeEscalation.Reason(Dispute(100, state: DisputeState.Contested), Opened.AddDays(8), Options, NoRates));
    }

    [Theory]
    [InlineData(DisputeState.Accepted)]
    [InlineData(DisputeState.Escalated)]
    [InlineData(DisputeState.Arbitrated)]
    public void Reason_ClosedOrAlreadyEscalated_DoesNotEscalate(DisputeState state) =>
        Assert.Null(DisputeEscalation.Reason(Dispute(90_000_000, state: state), Opened.AddDays(30), Options, NoRates));
}
