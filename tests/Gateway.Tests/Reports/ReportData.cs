using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Reports;

/// <summary>Payments shaped for the reports' tests: a state, a channel, a country, a creation time, an error.</summary>
internal static class ReportData
{
    public static Payment Payment(DateTimeOffset created, PaymentState state, string channel = "alipay", string country = "CN", long amount = 10_000,
        string currency = "CNY", TimeSpan? took = null, string? errorCode = null, string project = "p1", string department = "OPS-01")
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(created);
        var payment = TestPayments.New(clock, state, state == PaymentState.Succeeded ? AttemptState.Succeeded : AttemptState.Failed, amount,
            customer: new CustomerInfo("enterprise", country, "enterprise", Account: "acc_ops", Project: project));
        var attempt = payment.Attempts[0];
        payment.Attempts[0] = new Attempt
        {
            Id = attempt.Id,
            Number = 1,
            Channel = channel,
            Reference = attempt.Reference,
            State = attempt.State,
            CreateTime = created,
            UpdateTime = created,
        };
        payment.Group = new GroupBooking("grp_acme", "acc_ops", department);
        payment.UpdateTime = created + (took ?? TimeSpan.FromSeconds(30));
        payment.Error = errorCode is null ? null : new PaymentError(errorCode, "", channel, null);
        return currency == "CNY" ? payment : Recurrency(payment, currency);
    }

    /// <summary>The payment in another currency (Currency is init-only).</summary>
    private static Payment Recurrency(Payment p, string currency) => new()
    {
        Id = p.Id,
        MerchantId = p.MerchantId,
        State = p.State,
        AmountMinor = p.AmountMinor,
        Currency = currency,
        Description = p.Description,
        Customer = p.Customer,
        Routing = p.Routing,
        CreateTime = p.CreateTime,
        UpdateTime = p.UpdateTime,
        ExpireTime = p.ExpireTime,
        Attempts = p.Attempts,
        Group = p.Group,
        Error = p.Error,
    };
}
