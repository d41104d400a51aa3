using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Gateway.Fx;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Payments in a currency the channel does not settle in, converted at a quoted rate through the real gateway.</summary>
public sealed class FxTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private static CreatePaymentRequest CnyCard(long amount) => new()
    {
        AmountMinor = amount,
        Currency = "CNY",
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
    };

    [Fact]
    public async Task CnyCardPayment_IsConvertedToUsdAtTheQuotedRate_AndRefundedProRata()
    {
        var paid = await Gateway.Payments.CreatePaymentAsync(CnyCard(888_800));

        var attempt = paid.Attempts.Single();
        Assert.Equal((Payment.Types.State.Succeeded, "card", "USD"), (paid.State, attempt.Channel, attempt.SettlementCurrency));
        var rate = decimal.Parse(attempt.FxRate, CultureInfo.InvariantCulture);
        Assert.Equal((long)Math.Round(8888.00m * rate * 100, 0, MidpointRounding.AwayFromZero), attempt.SettlementAmountMinor);
        Assert.StartsWith("fxq_", attempt.FxQuoteId);
        Assert.True(attempt.FxQuoteExpireTime.ToDateTimeOffset() > DateTimeOffset.UtcNow);
        // Both amounts are on the payment; the acquirer charged the converted one, in USD.
        Assert.Equal((888_800L, "CNY"), (paid.AmountMinor, paid.Currency));
        var charge = Assert.Single(fixture.Simulators.Card.Ledger, e => e.Reference == attempt.ChannelReference && e.Kind == "charge");
        Assert.Equal((attempt.SettlementAmountMinor, "USD"), (charge.Amount, charge.Currency));

        var half = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = paid.Id, AmountMinor = 444_400 });
        var rest = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = paid.Id });

        Assert.Equal(attempt.SettlementAmountMinor, half.SettlementAmountMinor + rest.SettlementAmountMinor);
        var refunds = fixture.Simulators.Card.Ledger.Where(e => e.Reference == attempt.ChannelReference && e.Kind == "refund").ToList();
        Assert.Equal([half.SettlementAmountMinor, rest.SettlementAmountMinor], refunds.Select(r => r.Amount));
        Assert.All(refunds, r => Assert.Equal("USD", r.Currency));
    }

    [Fact]
    public async Task RatesSourceDown_TheLastGoodTableKeepsQuoting()
    {
        var rates = Gateway.Services.GetRequiredService<FxRates>();
        var before = rates.Table!.AsOf;
        fixture.Simulators.FxFaults.Plan = new FaultPlan { OutageUntil = DateTimeOffset.UtcNow.AddMinutes(5), Methods = ["rates"] };

        Assert.False(await rates.RefreshAsync(CancellationToken.None));
        var paid = await Gateway.Payments.CreatePaymentAsync(CnyCard(100_000));

        Assert.Equal(before, rates.Table!.AsOf);
        Assert.Equal(Payment.Types.State.Succeeded, paid.State);
        Assert.Equal("USD", paid.Attempts[0].SettlementCurrency);
    }

    [Fact]
    public async Task NewRates_ApplyToNewQuotesOnly()
    {
        var first = await Gateway.Payments.CreatePaymentAsync(CnyCard(200_000));
        fixture.Simulators.FxRates.SetPerUsd("CNY", 7.5m);
        Assert.True(await Gateway.Services.GetRequiredService<FxRates>().RefreshAsync(CancellationToken.None));

        var second = await Gateway.Payments.CreatePaymentAsync(CnyCard(200_000));

        Assert.True(second.Attempts[0].SettlementAmountMinor < first.Attempts[0].SettlementAmountMinor);
        Assert.Equal(Math.Round(2000m / 7.5m * 100, 0, MidpointRounding.AwayFromZero), second.Attempts[0].SettlementAmountMinor);
        var again = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = first.Id });
        Assert.Equal(first.Attempts[0].SettlementAmountMinor, again.Attempts[0].SettlementAmountMinor);
    }

    public void Dispose()
    {
        fixture.Simulators.FxFaults.Plan = FaultPlan.None;
        fixture.Simulators.FxRates.SetPerUsd("CNY", 7.1035m);
    }
}
