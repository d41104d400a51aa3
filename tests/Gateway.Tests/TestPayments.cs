using Paygate.Gateway.Payments;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Tests;

/// <summary>Payments in a given shape, for unit tests.</summary>
internal static class TestPayments
{
    /// <summary>The merchant unit tests' payments belong to.</summary>
    public const string Merchant = "mch_01JTESTMERCHANT0000000000";

    public static Payment New(TimeProvider clock, PaymentState state = PaymentState.Processing, AttemptState attemptState = AttemptState.Pending, long amount = 1000,
        string merchantId = Merchant, CustomerInfo? customer = null)
    {
        var now = clock.GetUtcNow();
        var id = PaymentIds.NewPaymentId(clock);
        return new Payment
        {
            Id = id,
            MerchantId = merchantId,
            State = state,
            AmountMinor = amount,
            Currency = "CNY",
            Description = "Cloud server, 1 month",
            Customer = customer ?? new CustomerInfo("personal", "CN", "pc"),
            Routing = new RoutingDecision(["alipay"], "test"),
            CreateTime = now,
            UpdateTime = now,
            ExpireTime = now.AddHours(24),
            Attempts =
            [
                new Attempt
                {
                    Id = PaymentIds.NewAttemptId(clock), Number = 1, Channel = "alipay", Reference = PaymentIds.AttemptReference(id, 1),
                    State = attemptState, CreateTime = now, UpdateTime = now,
                },
            ],
        };
    }
}
