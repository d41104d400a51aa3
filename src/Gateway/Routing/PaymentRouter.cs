using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Routing;

/// <summary>
/// Chooses the channels a payment may go to: those whose capabilities fit (currency, amount limits),
/// the payer's preferred channel first. Refuses before anything is written when none fits.
/// </summary>
public sealed class PaymentRouter(ChannelRegistry channels)
{
    public RoutingDecision Route(CreatePaymentCommand command)
    {
        var refusals = new List<string>();
        var fitting = new List<string>();
        foreach (var channel in channels.All.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var refusal = command.FitsFlows(channel.Capabilities.Flows)
                ? channel.Capabilities.RefusalFor(command.Amount)
                : command.Card is null ? "the channel needs card details" : "the channel does not take cards";
            if (refusal is null)
            {
                fitting.Add(channel.Id);
            }
            else
            {
                refusals.Add($"{channel.Id}: {refusal}");
            }
        }

        if (command.PreferredChannel is { } preferred)
        {
            if (channels.Find(preferred) is null)
            {
                throw PaymentException.InvalidField("payment_method.channel", $"unknown channel '{preferred}'; known: {string.Join(", ", channels.All.Select(c => c.Id))}");
            }
            if (!fitting.Contains(preferred))
            {
                throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment,
                    $"channel {preferred} cannot take {command.Amount}: {refusals.First(r => r.StartsWith(preferred + ":", StringComparison.Ordinal))[(preferred.Length + 2)..]}",
                    metadata: new Dictionary<string, string> { ["channel"] = preferred });
            }
            return new RoutingDecision([preferred, .. fitting.Where(c => c != preferred)], $"payer chose {preferred}");
        }
        if (fitting.Count == 0)
        {
            throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment,
                $"no channel can take {command.Amount} ({string.Join("; ", refusals)})");
        }
        return new RoutingDecision(fitting, $"channels whose currency and amount limits fit: {string.Join(", ", fitting)}");
    }
}
