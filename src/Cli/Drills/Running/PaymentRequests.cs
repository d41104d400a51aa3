using Paygate.Cli.Drills.Scenarios;
using Paygate.V1;

namespace Paygate.Cli.Drills.Running;

/// <summary>Draws a drill's payments from its mix: kinds by weight, amounts evenly in their range, from the scenario's seed.</summary>
public static class PaymentRequests
{
    /// <summary>The card network simulator's test card that is approved without a challenge (a test number, not a real card).</summary>
    private const string ApprovedTestCard = "4242424242424242";

    public static IReadOnlyList<DrillPayment> Draw(Scenario scenario, int count)
    {
        var random = new Random(scenario.Seed);
        var totalWeight = scenario.Mix.Sum(k => k.Weight);
        var payments = new List<DrillPayment>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(totalWeight);
            var kind = scenario.Mix.First(k => (roll -= k.Weight) < 0);
            var amount = kind.Amount.Min + (long)(random.NextDouble() * (kind.Amount.Max - kind.Amount.Min + 1));
            payments.Add(new DrillPayment(i, kind, Request(scenario, kind, Math.Min(amount, kind.Amount.Max), i)));
        }
        return payments;
    }

    private static CreatePaymentRequest Request(Scenario scenario, PaymentKind kind, long amount, int index)
    {
        var request = new CreatePaymentRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            AmountMinor = amount,
            Currency = kind.Currency,
            Description = $"drill {scenario.Name} #{index + 1}",
            Customer = new Customer
            {
                Type = kind.Customer == "enterprise" ? Customer.Types.Type.Enterprise : Customer.Types.Type.Personal,
                Device = kind.Device,
            },
        };
        request.Metadata.Add("drill", scenario.Name);
        request.PaymentMethod = kind.Method switch
        {
            "auto" => null,
            "card" => new PaymentMethod { Card = new CardDetails { Number = ApprovedTestCard, ExpMonth = 12, ExpYear = DateTime.UtcNow.Year + 3, Cvc = "123" } },
            _ => new PaymentMethod { Channel = kind.Method },
        };
        return request;
    }
}
