using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Tests.Risk;

/// <summary>Engines with a given rule set, and requests in a given shape, for the risk tests.</summary>
internal static class RiskTestRules
{
    public const string Merchant = TestPayments.Merchant;
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public static RiskEngine Engine(string document, int maxKeys = 100_000)
    {
        var engine = new RiskEngine(Options.Create(new RiskOptions { MaxTrackedKeys = maxKeys }), NullLogger<RiskEngine>.Instance);
        engine.Apply(new RiskRuleVersion(1, document, "test", Now, 0), RiskRuleParser.Parse(document, AppContext.BaseDirectory));
        return engine;
    }

    public static RiskRequest Request(string? customerId = "cus_1", string country = "CN", string? ip = null, GeoPoint? location = null,
        GeoPoint? home = null, string? device = null, string? card = null, string method = "alipay", long amount = 10_000, string currency = "CNY",
        string? accountName = null, DateTimeOffset? now = null, string merchant = Merchant) =>
        new(merchant, new Money(amount, Currency.TryFind(currency, out var c) ? c : throw new ArgumentException(currency)),
            new CustomerInfo("personal", country, "pc", customerId, home), ip is null && location is null && device is null ? null : new PayerContext(ip, location, device),
            card, method, accountName is null ? null : new PayerAccount(accountName, "GB29NWBK60161331926819", "NWBKGB2L", []), now ?? Now);

    /// <summary>A payment as saved, for feeding the velocity windows.</summary>
    public static Payment Payment(string? customerId = "cus_1", string channel = "alipay", long amount = 10_000, string? device = null, string? card = null,
        DateTimeOffset? at = null, PaymentState state = PaymentState.Processing, string? errorCode = null)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at ?? Now);
        var payment = TestPayments.New(clock, state, amount: amount);
        var withCustomer = new Payment
        {
            Id = payment.Id,
            MerchantId = payment.MerchantId,
            State = state,
            AmountMinor = amount,
            Currency = "CNY",
            Description = payment.Description,
            Customer = payment.Customer with { Id = customerId },
            Card = card is null ? null : new CardSummary("visa", "4242", 12, 2030, card),
            PayerContext = device is null ? null : new PayerContext(null, null, device),
            Routing = payment.Routing,
            CreateTime = payment.CreateTime,
            UpdateTime = payment.UpdateTime,
            ExpireTime = payment.ExpireTime,
            Attempts = [.. payment.Attempts.Select(a => new Attempt
            {
                Id = a.Id, Number = a.Number, Channel = channel, Reference = a.Reference, State = a.State, CreateTime = a.CreateTime, UpdateTime = a.UpdateTime,
            })],
            Error = errorCode is null ? null : new PaymentError(errorCode, "declined", channel, null),
        };
        return withCustomer;
    }

    public static RiskRuleHit Single(RiskAssessment assessment, string rule) => Assert.Single(assessment.Hits, h => h.Rule == rule);
}
