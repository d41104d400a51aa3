using Microsoft.Extensions.DependencyInjection;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using Attempt = Paygate.Gateway.Payments.Attempt;
using GatewayPayment = Paygate.Gateway.Payments.Payment;
using PaymentError = Paygate.Gateway.Payments.PaymentError;
using Refund = Paygate.Gateway.Payments.Refund;
using RoutingDecision = Paygate.Gateway.Routing.RoutingDecision;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// Payments booked to a group, written straight to the gateway's store as the group accounts create them (Payment.Group set at
/// creation), to a group created first in the group accounts' own store: the reports' tests read them back through the API.
/// </summary>
public static class ReportSeeds
{
    /// <summary>A new group of the merchant's, in the gateway's group store (the reports know the groups the group accounts know).</summary>
    public static async Task<string> CreateGroupAsync(IServiceProvider services, string merchantId)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var group = new Group(GroupIds.NewGroupId(clock), merchantId, "Acme procurement", clock.GetUtcNow());
        await services.GetRequiredService<IGroupStore>()
            .InsertGroupAsync(group, AuditEntry.New(group.CreateTime, "report-tests", GroupAdministration.GroupCreated, group.Id, merchantId), CancellationToken.None);
        return group.Id;
    }

    /// <summary>A group id in the groups' shape that no group has.</summary>
    public static string UnknownGroupId() => GroupIds.NewGroupId(TimeProvider.System);

    public static GatewayPayment Payment(string merchantId, string group, DateTimeOffset created, long amount = 10_000, string channel = "alipay", string department = "OPS-01",
        PaymentState state = PaymentState.Succeeded, (long Amount, string Currency, decimal Rate)? converted = null)
    {
        var clock = new FixedClock(created);
        var id = PaymentIds.NewPaymentId(clock);
        return new GatewayPayment
        {
            Id = id,
            MerchantId = merchantId,
            State = state,
            AmountMinor = amount,
            Currency = "CNY",
            Description = "Cloud server, 1 month",
            Customer = new CustomerInfo("enterprise", "CN", "enterprise", Account: "acc_" + department, Project: "migration"),
            Routing = new RoutingDecision([channel], "seeded"),
            CreateTime = created,
            UpdateTime = created.AddSeconds(20),
            ExpireTime = created.AddHours(24),
            Group = new GroupBooking(group, "acc_" + department, department),
            Error = state == PaymentState.Failed ? new PaymentError("PM-1001", "Insufficient balance.", channel, "NOT_ENOUGH") : null,
            Attempts =
            [
                new Attempt
                {
                    Id = PaymentIds.NewAttemptId(clock), Number = 1, Channel = channel, Reference = PaymentIds.AttemptReference(id, 1),
                    State = state == PaymentState.Succeeded ? AttemptState.Succeeded : AttemptState.Declined, CreateTime = created, UpdateTime = created.AddSeconds(20),
                    Conversion = converted is { } c ? new AttemptConversion("fxq_seeded", c.Amount, c.Currency, c.Rate, created, created.AddMinutes(10)) : null,
                },
            ],
        };
    }

    public static void AddRefund(GatewayPayment payment, long amount)
    {
        var attempt = payment.Attempts[0];
        payment.Refunds.Add(new Refund
        {
            Id = PaymentIds.NewRefundId(new FixedClock(payment.CreateTime.AddHours(1))),
            Number = payment.Refunds.Count + 1,
            Channel = attempt.Channel,
            PaymentReference = attempt.Reference,
            Reference = PaymentIds.RefundReference(attempt.Reference, payment.Refunds.Count + 1),
            AmountMinor = amount,
            Reason = "returned",
            State = RefundState.Succeeded,
            CreateTime = payment.CreateTime.AddHours(1),
            UpdateTime = payment.CreateTime.AddHours(1),
        });
    }

    public static async Task InsertAsync(IPaymentStore store, IReadOnlyList<GatewayPayment> payments)
    {
        foreach (var chunk in payments.Chunk(200))
        {
            await Task.WhenAll(chunk.Select(p => store.InsertAsync(p, PaymentEventTypes.Created, null, CancellationToken.None)));
        }
    }
}

/// <summary>A clock stopped at one instant, for ids made at a seeded payment's time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
